"""The cohort page's tables, worded for the reader: a `Dashboard` in, `Table`s out.

(gettext formats only when given values, so a message whose only % is a literal one is
written "%%" for the catalogs and formatted here with `% {}`.)

The page renders these tables and the tables download writes them to a workbook, so both
show the same rounded figures and the same "–". Figures are rounded here once, by the rules
of `app.statistics.rounding`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from flask_babel import gettext as _

from ..instruments.scoring import level_name
from ..services.cohort import Dashboard
from ..services.goal_results import GoalResults
from ..services.goals import Measure
from ..statistics.cohort import ALL, LONGEST, GoalCell
from ..statistics.levels import CEFR_BANDS
from ..statistics.paired import PairedSummary, PValueMethod, Share
from ..statistics.rounding import (
    Rounded,
    rounded_days,
    rounded_effect,
    rounded_mean,
    rounded_p,
    rounded_percent_change,
    rounded_share,
)
from ..statistics.tables import HIDDEN, Cell, Column, Row, Table
from ..vocabulary import OCCASION_LABELS, ref_label
from .labels import FUNNEL_LABELS, GROUP_LABELS, value_label

P_METHODS = {
    PValueMethod.EXACT: "exact",
    PValueMethod.EXACT_CONDITIONAL: "exact_conditional",
    PValueMethod.NORMAL: "normal",
}


def count(n: int | None) -> Cell:
    """A number of people (hidden: None)."""
    return HIDDEN if n is None else Cell(Rounded(float(n), 0))


def share_cell(value: Share | None, *, with_n: bool = True) -> Cell:
    """A share in whole percent with its Wilson interval and, by default, its n."""
    if value is None or value.proportion is None:
        return HIDDEN
    return Cell(rounded_share(value.proportion), n=value.n if with_n else None,
                interval=(rounded_share(value.low), rounded_share(value.high)), unit="%")


def mean_cell(value: float | None, n: int, *, signed: bool = False) -> Cell:
    return HIDDEN if value is None else Cell(rounded_mean(value, n), signed=signed)


def percent_change_cell(summary: PairedSummary) -> Cell:
    if summary.percent_change is None:
        return HIDDEN
    return Cell(rounded_percent_change(summary.percent_change), unit="%", signed=True)


def _group_label(group: str) -> str:
    return str(GROUP_LABELS.get(group, value_label(group)))


def _grouped(groups: Sequence[str], titles: Sequence[str]) -> tuple[Column, ...]:
    return tuple(Column(title, _group_label(g)) for g in groups for title in titles)


def _area_rows(data: Dashboard, labels: dict[str, str],
               cells: Callable[[PairedSummary | None], Sequence[Cell]], width: int) -> tuple[Row, ...]:
    return tuple(
        Row(labels[row.ref], tuple(cell for group in data.groups
                                   for cell in (cells(row.cells.get(group))
                                                if row.cells.get(group) else [HIDDEN] * width)))
        for row in data.rows)


def occasion_names(data: Dashboard) -> tuple[str, str]:
    """The two occasions compared, in words ("Intake", "Exit")."""
    return tuple(str(OCCASION_LABELS[kind]) for kind in data.occasions)


def means_table(data: Dashboard, labels: dict[str, str]) -> Table:
    before, after = occasion_names(data)

    def cells(c: PairedSummary) -> list[Cell]:
        return [mean_cell(c.before_mean, c.n), mean_cell(c.after_mean, c.n),
                mean_cell(c.change, c.n, signed=True), percent_change_cell(c), count(c.n),
                HIDDEN if c.mean_days is None else Cell(rounded_days(c.mean_days))]

    return Table(
        "means", _("%(before)s and %(after)s", before=before, after=after.lower()),
        _("Mean at %(before)s and %(after)s for participants with both measurements (n pairs), "
          "change, percent change and mean days between the two.",
          before=before.lower(), after=after.lower()),
        _("Area"),
        _grouped(data.groups, [before, after, _("Change"), _("%% change") % {}, _("n pairs"), _("Days")]),
        _area_rows(data, labels, cells, 6))


def shares_table(data: Dashboard, labels: dict[str, str]) -> Table:
    titles = [_("Improved")] + ([_("Reliably improved")] if data.reliable else []) + [
        _("Same"), _("Worsened")]

    def cells(c: PairedSummary) -> list[Cell]:
        found = [share_cell(c.improved)]
        if data.reliable:
            found.append(share_cell(c.reliably_improved))
        return [*found, share_cell(c.same), share_cell(c.worsened)]

    caption = _("Share of participants with both measurements whose score went up, stayed the "
                "same or went down, with 95 %% confidence intervals (Wilson) and the number of "
                "pairs (n) each share is of.") % {}
    if data.reliable:
        caption += " " + _("Reliable improvement: the increase is larger than measurement error "
                           "would explain (Jacobson–Truax, p < 0.05).")
    return Table("shares", _("Improved, same, worsened"), caption, _("Area"),
                 _grouped(data.groups, titles), _area_rows(data, labels, cells, len(titles)))


def method_cell(summary: PairedSummary) -> Cell:
    """The Wilcoxon test's method in words, with the number of non-zero differences it used."""
    if summary.wilcoxon is None:
        return Cell(_("no change to test"))
    words = {"exact": _("exact"), "exact_conditional": _("exact, with ties"),
             "normal": _("normal approximation")}[P_METHODS[summary.wilcoxon.method]]
    return Cell(words, n=summary.wilcoxon.n)


def effect_table(data: Dashboard, labels: dict[str, str]) -> Table:
    def cells(c: PairedSummary) -> list[Cell]:
        d = HIDDEN if c.effect is None else Cell(
            rounded_effect(c.effect.d), interval=(rounded_effect(c.effect.low),
                                                  rounded_effect(c.effect.high)))
        p = HIDDEN if c.wilcoxon is None else Cell(rounded_p(c.wilcoxon.p))
        return [d, p, method_cell(c)]

    return Table(
        "effect", _("Effect size and test"),
        _("Paired effect size (Cohen's d_z) with 95 %% confidence interval, and the two-sided "
          "p-value of the Wilcoxon signed-rank test. Test: exact below 51 changed scores (with "
          "ties: exact over all sign changes), else the normal approximation; n is the number "
          "of participants whose score changed (unchanged pairs are left out of the test).") % {},
        _("Area"), _grouped(data.groups, [_("d_z (95 %% CI)") % {}, _("p"), _("Test")]),
        _area_rows(data, labels, cells, 3))


def years_table(data: Dashboard) -> Table:
    years = data.years
    rows = []
    for year in [*years.years, ALL]:
        cells = []
        for group in data.groups:
            cell = years.cells.get((year, group))
            cells += [HIDDEN, HIDDEN] if cell is None else [
                count(cell.n), HIDDEN if cell.mean_days is None else Cell(rounded_days(cell.mean_days))]
        rows.append(Row(_("All periods") if year == ALL else value_label(year), tuple(cells)))
    return Table("periods", _("Per intake period"),
                 _("Participants with both measurements and mean days between them, by intake "
                   "period."), _("Intake period"),
                 _grouped(data.groups, [_("n pairs"), _("Days")]), tuple(rows))


def map2020_table(data: Dashboard, labels: dict[str, str]) -> Table:
    table = data.map2020

    def heading(column: tuple[str, str]) -> str:
        kind, group = column
        if kind == LONGEST:
            return _("Longest in the programme (365 days or more)")
        if kind == "period":
            return _("Intake %(period)s", period=value_label(group))
        return _group_label(group)

    columns = tuple(Column(title, heading(column)) for column in table.columns
                    for title in (_("Intake"), _("Exit"), _("%% change") % {}, _("n pairs")))
    rows = []
    for row in table.rows:
        cells: list[Cell] = []
        for column in table.columns:
            c = row.cells[column]
            cells += [HIDDEN] * 4 if c is None else [
                mean_cell(c.before_mean, c.n), mean_cell(c.after_mean, c.n),
                percent_change_cell(c), count(c.n)]
        rows.append(Row(labels[row.ref], tuple(cells)))
    return Table(
        "map2020", _("The MAP2020 table"),
        _("As in MAP2020's final report: per area the mean at intake and at exit and the "
          "change as a share of the intake mean, for everyone, by gender, by intake period and "
          "for those longest in the programme (at least 365 days between intake and exit)."),
        _("Area"), columns, tuple(rows))


BAND_LABELS = {"preA1": "pre-A1", "A": "A", "B": "B", "C": "C"}


def levels_table(data: Dashboard, labels: dict[str, str]) -> Table:
    before, after = occasion_names(data)
    columns = [Column(title, BAND_LABELS[band]) for band in CEFR_BANDS
               for title in (_("Number"), _("Share"))]
    columns += [Column(_("Answered")), Column(_("Median level"))]
    rows = []
    for row in data.levels:
        for occasion, bands in ((before, row.before), (after, row.after)):
            cells: list[Cell] = []
            for band in CEFR_BANDS:
                cells += [count(bands.counts[band]), share_cell(bands.share(band), with_n=False)]
            median = HIDDEN if bands.median is None else Cell("/".join(dict.fromkeys(
                level_name(data.instrument, level) for level in bands.median)))
            cells += [count(bands.n), median]
            rows.append(Row(f"{labels[row.ref]}: {occasion}", tuple(cells)))
    return Table(
        "levels", _("Language levels"),
        _("Participants per CEFR band at %(before)s and at %(after)s (everyone who answered "
          "then): pre-A1; A, basic user (A1–A2); B, independent user (B1–B2); C, proficient "
          "user (C1–C2). The median level is the middle answer; two levels (\"A2/B1\") when "
          "the two middle answers differ. Levels are ranks, so there is no mean and no "
          "percent change.", before=before.lower(), after=after.lower()),
        _("Skill"), tuple(columns), tuple(rows))


def moving_up_table(data: Dashboard, labels: dict[str, str]) -> Table:
    before, after = occasion_names(data)
    return Table(
        "moving_up", _("Moving up a level"),
        _("Share of participants with both measurements whose level rose at least one step "
          "between %(before)s and %(after)s, with 95 %% confidence interval and n pairs.",
          before=before.lower(), after=after.lower()),
        _("Skill"), tuple(Column(_group_label(g)) for g in data.groups),
        tuple(Row(labels[row.ref], tuple(share_cell(row.moving_up.get(g)) for g in data.groups))
              for row in data.levels))


def attrition_table(data: Dashboard) -> Table:
    table = data.attrition

    def line(label: str, value: Share) -> Row:
        if value.proportion is None:
            return Row(label, (count(value.k), count(value.n), HIDDEN))
        return Row(label, (count(value.k), count(value.n), share_cell(value, with_n=False)))

    rows = [
        Row(_("Registered"), (count(table.registered), HIDDEN, HIDDEN)),
        Row(_("Left the programme"), (count(table.left), HIDDEN, HIDDEN)),
        line(_("Answered at intake (of the registered)"), table.intake_answered),
        line(_("Answered midway (of the registered)"), table.midway_answered),
        line(_("Answered at exit (of those who left): response rate"), table.exit_answered),
        line(_("Answered at follow-up (of those who answered at exit)"), table.follow_up_of_exit),
        line(_("Answered at follow-up (of those who left)"), table.follow_up_of_left),
    ]
    return Table(
        "attrition", _("Who answered"),
        _("How many could answer this questionnaire and how many did. Exit and follow-up "
          "results speak only for those who answered."),
        _("Participants"), (Column(_("Number")), Column(_("Of")), Column(_("Share"))),
        tuple(rows))


NON_RESPONSE_WORDS = {
    "answered_started_higher": lambda: _(
        "Warning: those who answered at exit started higher than those who left without "
        "answering. The exit results may look better than they would for everyone who left."),
    "answered_started_lower": lambda: _(
        "Warning: those who answered at exit started lower than those who left without "
        "answering. The exit results may look worse than they would for everyone who left."),
    "similar": lambda: _("Those who answered at exit and those who did not started at about "
                         "the same level."),
    "too_few": lambda: _("Too few answered at exit, or too few did not, to compare where they "
                         "started (at least 10 in each group are needed)."),
}


WARNINGS = {"answered_started_higher", "answered_started_lower"}


def intake_comparison_table(data: Dashboard) -> Table | None:
    comparison = data.attrition.intake
    if comparison is None:
        return None
    d = HIDDEN if comparison.d is None else Cell(rounded_effect(comparison.d))
    rows = (
        Row(_("Left and answered at exit"), (count(comparison.n_answered),
                                             mean_cell(comparison.mean_answered, comparison.n_answered))),
        Row(_("Left without answering at exit"), (count(comparison.n_not_answered),
                                                  mean_cell(comparison.mean_not_answered,
                                                            comparison.n_not_answered))),
        Row(_("Standardised difference (d)"), (HIDDEN, d)),
    )
    return Table(
        "intake_comparison", _("Where those who answered started"),
        _("Intake %(score)s of those who left, with and without an exit answer. A difference "
          "of d ≥ 0.2 (with at least 10 people in each group) gives a warning.",
          score=ref_label(data.instrument, data.instrument.method.headline_ref).lower()),
        _("Group"), (Column(_("Number")), Column(_("Intake mean"))), rows,
        **{"warnings" if comparison.flag.value in WARNINGS else "notes":
           (str(NON_RESPONSE_WORDS[comparison.flag.value]()),)})


def goal_cell(cell: GoalCell) -> Cell:
    """A goal's result: a share with its interval and n, or a signed mean change."""
    if cell.result is not None:
        return share_cell(cell.result)
    return mean_cell(cell.mean, cell.n, signed=True)


def goals_table(measured: GoalResults) -> Table:
    """Each goal against its result, by gender: the target, then result and "met" per group
    (a goal that cannot be measured here shows "–" with a note)."""
    groups = [*measured.groups, ALL]
    rows = []
    for found in measured.results:
        goal = found.goal
        is_share = Measure(goal.measure).is_share
        cells: list[Cell] = [Cell(Rounded(goal.target_value, 0), unit="%") if is_share
                             else Cell(Rounded(goal.target_value, 1), signed=True)]
        for group in groups:
            c = found.cells.get(group)
            cells += [HIDDEN, HIDDEN] if c is None else [
                goal_cell(c), Cell(_("Met") if c.met else _("Not met"))]
        rows.append(Row(goal.title, tuple(cells)))
    notes = () if all(found.measured for found in measured.results) else (
        _("A goal on Health Wheel answers is not measured: this organisation has not chosen "
          "to pool Health Wheel answers across people."),)
    return Table("goals", _("Programme goals"),
                 _("Each goal measured from intake to exit, over its own period and unit."),
                 _("Goal"), (Column(_("Target")), *_grouped(groups, [_("Result"), _("Goal met")])),
                 tuple(rows), notes=notes)


def funnel_table(data: Dashboard) -> Table:
    funnel = data.funnel
    return Table(
        "completion", _("Completion per unit"),
        _("Participants registered, and with a stored assessment at intake, exit and follow-up."),
        _("Unit"), tuple(Column(str(label)) for label in FUNNEL_LABELS.values()),
        tuple(Row(_("All units") if unit == ALL else value_label(unit),
                  tuple(count(funnel.cells[(unit, stage)]) for stage in FUNNEL_LABELS))
              for unit in [*funnel.units, ALL]))


def responses_table(data: Dashboard) -> Table:
    """Response per occasion with the reminders sent: does reminding lift the second round?"""
    return Table(
        "responses", _("Response per occasion and reminders"),
        _("Participants whose occasion date has come, the share who answered, and the "
          "reminders sent by SMS or e-mail. Follow-up counts only participants who have left."),
        _("Occasion"),
        (Column(_("Date has come")), Column(_("Answered")), Column(_("Reminded")),
         Column(_("Reminders sent"))),
        tuple(Row(str(OCCASION_LABELS[r.kind]), (count(r.eligible), share_cell(r.answered),
                                                  count(r.reminded), count(r.reminders)))
              for r in data.responses))


def dashboard_tables(data: Dashboard) -> list[Table]:
    """Every table of the cohort page, in the page's order (MAP2020-style table first)."""
    labels = {ref: ref_label(data.instrument, ref) for ref in data.refs}
    if data.levels is not None:
        found = [levels_table(data, labels), moving_up_table(data, labels)]
    else:
        found = [means_table(data, labels)]
        if data.map2020 is not None:
            found.append(map2020_table(data, labels))
        found += [shares_table(data, labels), effect_table(data, labels)]
    found += [years_table(data), attrition_table(data)]
    comparison = intake_comparison_table(data)
    if comparison is not None:
        found.append(comparison)
    found.append(funnel_table(data))
    found.append(responses_table(data))
    return found
