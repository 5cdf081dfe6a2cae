"""The words around the cohort tables: the rules the page states, and the first sheet of the
tables download (the selection, k, what was pooled or left out, the date)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..instruments.methods import compared_areas
from ..services.cohort import Dashboard
from ..vocabulary import instrument_title, ref_label
from .labels import left_out_reason, pooled_names
from .tables import occasion_names


def mean_rule(data: Dashboard) -> str | None:
    """The wheel mean's rule in words, for instruments whose headline is a paired mean."""
    rule = data.instrument.method.paired_areas(data.instrument)
    if rule is None:
        return None
    areas, minimum = rule
    text = _("%(mean)s: for each participant, the mean over the areas answered at both "
             "occasions, counted only when at least %(minimum)s of the %(areas)s areas were.",
             mean=ref_label(data.instrument, data.instrument.method.headline_ref),
             minimum=minimum, areas=len(areas))
    left_out = [item for item in data.instrument.scored_items
                if item not in compared_areas(data.instrument)]
    if left_out:
        text += " " + _("“%(area)s” is not included: it can be about something different each "
                        "time.", area=ref_label(data.instrument, left_out[0].key).split(":")[0])
    return text


def area_sources(data: Dashboard) -> dict[str, list[str]] | None:
    """Which areas come from the MAP2020 report and which are Stegvis's own, when the
    definition says (the Health Wheel)."""
    items = data.instrument.scored_items
    if not items or any(item.source is None for item in items):
        return None
    found: dict[str, list[str]] = {"MAP2020": [], "Stegvis": []}
    for item in items:
        found.setdefault(str(item.source), []).append(
            ref_label(data.instrument, item.key).split(":")[0])
    return found


def page_context(data: Dashboard) -> dict:
    """What the template states besides the tables."""
    return {"occasions": occasion_names(data), "mean_rule": mean_rule(data),
            "area_sources": area_sources(data)}


def left_out_sentences(data: Dashboard) -> list[str]:
    """What disclosure control withheld, in the page's words."""
    view = data.view
    found = [left_out_reason(reason, count, view.k) for reason, count in view.left_out_by.items()]
    if view.recoding.generalised:
        found.append(_("Pooled to keep groups large enough: %(what)s.", what=pooled_names(view)))
    return found


def cover_lines(form, data: Dashboard, k: int) -> list[tuple[str, str]]:
    """The first sheet of the tables download: the selection as chosen, then the rules."""
    lines = [(_("Downloaded"), date.today().isoformat()),
             (_("Questionnaire"), instrument_title(data.instrument))]
    for field in (form.organisation, form.unit, form.period, form.gender, form.age_band,
                  form.exit_reason, form.comparison):
        chosen = {str(value): str(label) for value, label, *_rest in field.iter_choices()}
        lines.append((str(field.label.text), chosen.get(str(field.data or ""), _("All"))))
    lines.append((_("Smallest group shown (k)"), str(k)))
    lines.append((_("Disclosure control"), _(
        "Every figure covers at least %(k)s people; groups that would be smaller are pooled "
        "or left out. – means fewer than %(k)s participants, or a figure hidden so that a "
        "small group cannot be worked out from the totals.", k=k)))
    for sentence in left_out_sentences(data) or [_("Nobody was left out and nothing was pooled.")]:
        lines.append((_("Pooled or left out"), sentence))
    rule = mean_rule(data)
    if rule:
        lines.append((_("Mean of the areas"), rule))
    lines.append((_("Rounding"), _(
        "Means to 1 decimal (whole numbers below 10 people), shares and percent change to whole "
        "percent, p to 3 decimals (below 0.001 as < 0.001), effect sizes to 2 decimals, days "
        "whole.")))
    return lines


def workbook_labels() -> dict[str, str]:
    """The workbook's fixed headings in the reader's language."""
    return {"cover": _("Selection"), "interval": _("95 %% CI") % {}}
