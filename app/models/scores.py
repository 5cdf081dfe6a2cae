"""Scores of completed, stored assessments, kept so the cohort read side need not re-score."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# JSONB on PostgreSQL: the cohort query reads a few keys of every row, and jsonb need not be
# parsed again for each one.
SCORES_TYPE = JSON().with_variant(JSONB(), "postgresql")


class AssessmentScore(SQLModel, table=True):
    """The scores of one completed, stored assessment, by ref (item, subscale, "total",
    "mean"; None where it cannot be computed), written when the assessment is completed.

    Participant, instrument, occasion kind and completion time are copied from the
    assessment (none of them ever change once it is completed), so intake and exit scores of
    a whole cohort pair up without joining assessments and occasions. Discussion-only
    assessments never get a row; the row goes with its assessment (cascade).
    """

    __tablename__ = "assessment_score"
    __table_args__ = (
        # Covering on PostgreSQL: the cohort query reads one instrument's intake and exit
        # rows as an index-only scan, contiguous, instead of visiting the whole heap.
        Index("ix_assessment_score_instrument_kind", "instrument_key", "occasion_kind",
              postgresql_include=["instrument_version", "participant_id", "completed_at", "scores"]),
        # The completion funnel: which occasions each participant has done.
        Index("ix_assessment_score_participant_kind", "participant_id", "occasion_kind"),
    )

    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE")
    instrument_key: str = Field(max_length=40)
    instrument_version: int
    occasion_kind: str = Field(max_length=16)
    completed_at: datetime
    scores: dict = Field(sa_type=SCORES_TYPE)
