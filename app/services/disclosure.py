"""An organisation's participants as evaluators may see them: every page, chart, goal,
funnel, tables download and export asks this module which groups exist (`view_of`) and how
to select them in SQL, so the guarantee of `app.statistics.disclosure` holds everywhere.

The quasi-identifiers and how each is coarsened (each level has a cost for the evaluator,
`COSTS`: pooling gender's small categories is cheap, losing women and men almost never
worth it; leaving up to a tenth of the people out is preferred to that):

| name | recorded as | coarser | coarsest |
| --- | --- | --- | --- |
| unit | its name | small units pooled into "other units" (< k, then < 3k) | all units |
| period | intake year | two-year periods (2025–2026) | all years |
| gender | five categories | woman, man, other or not recorded | everyone |
| age_band | six bands | 15–24, 25–44, 45 and over | all ages |
| exit_reason | seven reasons, or still in the programme | work or studies, another reason, in the programme | left, in the programme → everyone |
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import String, case, cast, extract, func, literal
from sqlmodel import Session, select

from ..models import ExitReason, Gender, Organisation, Participant, Unit
from ..statistics.age import AGE_BANDS, age_band, birth_years_for
from ..statistics.disclosure import MINIMUM_K, Hierarchy, Recoding, k_anonymise

QUASI_IDENTIFIERS = ("unit", "period", "gender", "age_band", "exit_reason")
EVERYONE = "all"
OTHER_UNITS = "other_units"
OTHER_GENDER = "other_or_not_recorded"
UNKNOWN_AGE = "unknown"
IN_PROGRAMME = "in_programme"
LEFT = "left"
WORK_OR_STUDIES = "work_or_studies"
OTHER_REASON = "other_reason"
WIDE_AGE_BANDS = {"15-19": "15-24", "20-24": "15-24", "25-29": "25-44", "30-44": "25-44",
                  "45-64": "45+", "65+": "45+", UNKNOWN_AGE: UNKNOWN_AGE}
COSTS = {"unit": (0, 2, 3, 5), "period": (0, 1, 3), "gender": (0, 1, 100),
         "age_band": (0, 1, 2), "exit_reason": (0, 0.5, 1, 2)}


@dataclass(frozen=True)
class EvaluatorView:
    """The organisation's recoding and who it leaves out of every figure."""

    organisation_id: int
    recoding: Recoding
    left_out_by: Mapping[str, int]  # what made people's group small: {"gender": 3}
    present: Mapping[str, tuple[str, ...]]  # labels someone shown has, per quasi-identifier

    @property
    def k(self) -> int:
        return self.recoding.k

    @property
    def small_atoms(self) -> frozenset[tuple[str, ...]]:
        return self.recoding.small_atoms

    @property
    def left_out(self) -> int:
        return self.recoding.left_out

    def labels(self, name: str) -> list[str]:
        """What an evaluator can choose for `name`: groups of at least k people, in the
        hierarchy's order (none when everyone is in one group)."""
        return [label for label in self.recoding.labels(name)
                if label != EVERYONE and label in self.present[name]]


def _combinations(session: Session, organisation_id: int) -> Counter:
    """People per combination of original quasi-identifier values (QUASI_IDENTIFIERS order),
    counted by the database: a few thousand rows for 100,000 participants."""
    year = intake_year_of()
    rows = session.exec(
        select(Participant.unit_id, year, Participant.gender, Participant.birth_year,
               Participant.exit_reason, func.count())
        .join(Unit, Unit.id == Participant.unit_id).where(Unit.organisation_id == organisation_id)
        .group_by(Participant.unit_id, year, Participant.gender, Participant.birth_year,
                  Participant.exit_reason)
    ).all()
    combinations: Counter = Counter()
    for unit_id, intake_year, gender, birth_year, reason, n in rows:
        intake_year = int(intake_year)
        combinations[(unit_id, intake_year, gender,
                      age_band(birth_year, intake_year) or UNKNOWN_AGE,
                      reason or IN_PROGRAMME)] += int(n)
    return combinations


def _unit_hierarchy(combinations: Counter, names: Mapping[int, str], k: int) -> Hierarchy:
    sizes: Counter = Counter()
    for combination, n in combinations.items():
        sizes[combination[0]] += n
    ids = sorted(names, key=lambda unit_id: names[unit_id])

    def pooled(below: int) -> dict[int, str]:
        if all(sizes[u] < below for u in ids):  # every unit pooled: that is everyone
            return dict.fromkeys(ids, EVERYONE)
        return {u: OTHER_UNITS if sizes[u] < below else names[u] for u in ids}

    return Hierarchy("unit", ({u: names[u] for u in ids}, pooled(k), pooled(3 * k),
                              dict.fromkeys(ids, EVERYONE)), COSTS["unit"])


def _period_hierarchy(combinations: Counter) -> Hierarchy:
    years = sorted({combination[1] for combination in combinations})

    def period(year: int) -> str:
        first = year - (year % 2)
        return f"{first}–{first + 1}"

    return Hierarchy("period", ({y: str(y) for y in years}, {y: period(y) for y in years},
                                dict.fromkeys(years, EVERYONE)), COSTS["period"])


def _hierarchies(combinations: Counter, names: Mapping[int, str], k: int) -> list[Hierarchy]:
    genders = [g.value for g in Gender]
    bands = [label for label, _, _ in AGE_BANDS] + [UNKNOWN_AGE]
    reasons = [r.value for r in ExitReason] + [IN_PROGRAMME]
    positive = {ExitReason.WORK.value, ExitReason.STUDIES.value}
    return [
        _unit_hierarchy(combinations, names, k),
        _period_hierarchy(combinations),
        Hierarchy("gender", ({g: g for g in genders},
                             {g: g if g in ("woman", "man") else OTHER_GENDER for g in genders},
                             dict.fromkeys(genders, EVERYONE)), COSTS["gender"]),
        Hierarchy("age_band", ({b: b for b in bands}, {b: WIDE_AGE_BANDS[b] for b in bands},
                               dict.fromkeys(bands, EVERYONE)), COSTS["age_band"]),
        Hierarchy("exit_reason", (
            {r: r for r in reasons},
            {r: r if r == IN_PROGRAMME else WORK_OR_STUDIES if r in positive else OTHER_REASON
             for r in reasons},
            {r: r if r == IN_PROGRAMME else LEFT for r in reasons},
            dict.fromkeys(reasons, EVERYONE)), COSTS["exit_reason"]),
    ]


def threshold_of(session: Session, organisation_id: int, *, floor: int) -> int:
    """The k of the organisation's figures and exports: the threshold its admin chose, never
    below the installation's `floor` (STEGVIS_SMALL_CELL) nor below MINIMUM_K."""
    organisation = session.get(Organisation, organisation_id)
    chosen = organisation.small_cell_threshold if organisation is not None else floor
    return max(MINIMUM_K, floor, chosen)


def view_of(session: Session, organisation_id: int, k: int) -> EvaluatorView:
    """The k-anonymous recoding of the organisation's participants (see the module table)."""
    combinations = _combinations(session, organisation_id)
    names = dict(session.exec(select(Unit.id, Unit.name)
                              .where(Unit.organisation_id == organisation_id)).all())
    recoding = k_anonymise(combinations, _hierarchies(combinations, names, k), k)
    atoms = {combination: recoding.atom(combination) for combination in combinations}
    shared: dict[str, Counter] = {name: Counter() for name in QUASI_IDENTIFIERS}
    present: dict[str, set] = {name: set() for name in QUASI_IDENTIFIERS}
    for combination, n in combinations.items():
        for position, name in enumerate(QUASI_IDENTIFIERS):
            shared[name][atoms[combination][position]] += n
            if atoms[combination] not in recoding.small_atoms:
                present[name].add(atoms[combination][position])
    left_out_by: Counter = Counter()
    for combination, n in combinations.items():
        atom = atoms[combination]
        if atom in recoding.small_atoms:
            # What made the group small: a quasi-identifier whose value alone is shared by
            # fewer than k people (gender first: what the page most needs to explain), else
            # the combination of several.
            alone = [name for name in ("gender", *QUASI_IDENTIFIERS)
                     if shared[name][atom[QUASI_IDENTIFIERS.index(name)]] < k]
            left_out_by[alone[0] if alone else "combination"] += n
    return EvaluatorView(organisation_id, recoding, dict(left_out_by),
                         {name: tuple(labels) for name, labels in present.items()})


# -- the same recoding in SQL -----------------------------------------------------------------


def intake_year_of(column=Participant.intake_date):
    """The intake year in SQL (both databases)."""
    return extract("year", column)


def label_expression(view: EvaluatorView, name: str):
    """A SQL expression giving each participant's recoded label for `name` (Participant
    joined to Unit in the query)."""
    hierarchy = view.recoding.hierarchy(name)
    mapping = dict(hierarchy.levels[view.recoding.level_of(name)])
    if not mapping:  # an organisation without participants: one empty group
        return literal(EVERYONE)
    if name == "unit":
        return case(mapping, value=Participant.unit_id, else_=literal(EVERYONE))
    if name == "period":
        return case(mapping, value=intake_year_of(), else_=literal(EVERYONE))
    if name == "gender":
        return case(mapping, value=Participant.gender, else_=literal(EVERYONE))
    if name == "age_band":
        whens = [(birth_years_for(band, intake_year_of(), Participant.birth_year), mapping[band])
                 for band, _, _ in AGE_BANDS]
        return case(*whens, else_=literal(mapping[UNKNOWN_AGE]))
    return case(mapping, value=func.coalesce(Participant.exit_reason, IN_PROGRAMME),
                else_=literal(EVERYONE))


def atom_expression(view: EvaluatorView):
    """Each participant's atom as one text: the recoded labels joined by "|"."""
    parts = [label_expression(view, name) for name in QUASI_IDENTIFIERS]
    joined = cast(parts[0], String)
    for part in parts[1:]:
        joined = joined.concat("|").concat(cast(part, String))
    return joined


def atom_key(atom: tuple[str, ...]) -> str:
    """An atom as `atom_expression` spells it."""
    return "|".join(atom)


def conditions(view: EvaluatorView, chosen: Mapping[str, str | None]) -> list:
    """SQL conditions selecting the organisation's participants in the chosen recoded groups,
    without the people left out (their combination holds fewer than k)."""
    found = [Unit.organisation_id == view.organisation_id]
    found += [label_expression(view, name) == label
              for name, label in chosen.items() if label is not None]
    if view.small_atoms:
        found.append(atom_expression(view).not_in([atom_key(a) for a in view.small_atoms]))
    return found
