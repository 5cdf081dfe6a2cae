"""Every table model, imported here so Alembic's target metadata sees them all."""
from .action_plans import ActionStep, StepOwner
from .assessments import (
    OCCASION_ORDER,
    Answer,
    Assessment,
    AssessmentMode,
    Consent,
    Occasion,
    OccasionKind,
    Storage,
)
from .audit import AuditEvent
from .base import utcnow
from .evaluation import EvaluationProject, ProgrammeGoal
from .instruments import InstrumentLicence
from .invitations import Invitation
from .messages import (
    Channel,
    MessagePurpose,
    MessageStatus,
    OutboxMessage,
    ReminderRule,
    ReminderRules,
)
from .organisations import Organisation, Unit
from .participants import ExitReason, Gender, Participant
from .scores import AssessmentScore
from .staff import Role, StaffUnit, StaffUser

__all__ = [
    "OCCASION_ORDER", "ActionStep", "Answer", "Assessment", "AssessmentMode", "AssessmentScore",
    "AuditEvent", "Channel", "Consent", "EvaluationProject", "ExitReason", "Gender",
    "InstrumentLicence", "Invitation", "MessagePurpose", "MessageStatus", "Occasion",
    "OccasionKind", "Organisation", "OutboxMessage", "Participant", "ProgrammeGoal",
    "ReminderRule", "ReminderRules", "Role", "StaffUnit", "StaffUser", "StepOwner", "Storage",
    "Unit", "utcnow",
]
