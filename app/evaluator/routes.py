"""Evaluator pages: the cohort dashboard, the pseudonymised export, programme goals."""
from __future__ import annotations

from dataclasses import replace

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from .. import instruments
from ..charts import figure_json
from ..charts.cohort import change_figure, means_figure, score_range
from ..choices import as_choices
from ..db import get_session
from ..i18n import message_of
from ..security import request_actor
from ..services import cohort as cohort_service
from ..services import disclosure, exports, goals
from ..services import tables as tables_service
from ..services.disclosure import QUASI_IDENTIFIERS, EvaluatorView
from . import bp
from .formatting import FORMATTERS
from .forms import CohortFilterForm, ExportForm, GoalForm
from .labels import (
    FUNNEL_LABELS,
    GROUP_LABELS,
    MEASURE_LABELS,
    instrument_title,
    left_out_reason,
    pooled_names,
    ref_label,
    value_label,
)
from .page import cover_lines, page_context, workbook_labels
from .tables import dashboard_tables, occasion_names

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def _formatters():
    return {**FORMATTERS, "group_label": GROUP_LABELS, "funnel_label": FUNNEL_LABELS,
            "measure_label": MEASURE_LABELS, "instrument_title": instrument_title,
            "value_label": value_label, "left_out_reason": left_out_reason,
            "pooled_names": pooled_names}


def small_cell_threshold(organisation_id: int) -> int:
    """The organisation's threshold, never below the installation's (nor 3)."""
    return disclosure.threshold_of(get_session(), organisation_id,
                                   floor=int(current_app.config.get("SMALL_CELL_THRESHOLD", 5)))


def instrument_choice(instrument) -> str:
    """The filter value of an instrument: its key for the latest version, key:version for an
    older one that cannot be pooled with it."""
    latest = instruments.latest(instrument.key)
    return instrument.key if instrument.version == latest.version \
        else f"{instrument.key}:{instrument.version}"


def instrument_of_choice(value: str) -> dict:
    """The CohortFilter fields of a filter value made by `instrument_choice`."""
    key, _, version = value.partition(":")
    return {"instrument_key": key, "instrument_version": int(version) if version else None}


def cohort_filter_from(args) -> tuple[CohortFilterForm, cohort_service.CohortFilter,
                                      EvaluatorView]:
    """The filter form from the query string, scoped (evaluators see their organisation only)
    and offering only the organisation's k-anonymous groups."""
    db = get_session()
    form = CohortFilterForm(args)
    organisations = cohort_service.organisations_for(
        db, role=current_user.role, organisation_id=current_user.organisation_id)
    form.organisation.choices = as_choices((o.id, o.name) for o in organisations)
    chosen = form.organisation.data if form.organisation.data in {o.id for o in organisations} \
        else current_user.organisation_id
    form.organisation.data = chosen
    view = disclosure.view_of(db, chosen, small_cell_threshold(chosen))
    for name in QUASI_IDENTIFIERS:
        form[name].choices = as_choices(
            [("", _("All"))] + [(label, value_label(label)) for label in view.labels(name)])
    form.instrument.choices = as_choices(
        (instrument_choice(i), instrument_title(i))
        for i in cohort_service.statistics_instruments(db, chosen))
    form.validate()
    values = {name: (None if form[name].errors else form[name].data)
              for name in (*QUASI_IDENTIFIERS, "instrument", "comparison")}
    form.instrument.data = values["instrument"] or cohort_service.DEFAULT_INSTRUMENT
    form.comparison.data = values["comparison"] or cohort_service.DEFAULT_COMPARISON
    return form, cohort_service.CohortFilter(
        organisation_id=chosen, **{name: values[name] for name in QUASI_IDENTIFIERS},
        **instrument_of_choice(form.instrument.data), comparison=values["comparison"]), view


def _charts(data) -> list[dict]:
    """Per group, the means on each score's full range (one chart per range: a wheel's areas
    share one, KASAM's subscales and total differ) and the shares that changed."""
    if data.levels is not None:
        return []  # levels are counted in tables, never averaged on a chart
    # Charts use the area's name only ("Hälsa", not its explanation); the table has the rest.
    labels = {row.ref: ref_label(data.instrument, row.ref).split(":")[0][:40] for row in data.rows}
    names = {"improved": _("Improved"), "same": _("Same"), "worsened": _("Worsened")}
    ranges: dict[tuple, list] = {}
    for row in data.rows:
        ranges.setdefault(score_range(data.instrument, row.ref), []).append(row)
    charts = []
    for group in data.groups:
        if not any(row.cells.get(group) for row in data.rows):
            continue
        for number, (axis_range, rows) in enumerate(ranges.items()):
            cells = [row.cells.get(group) for row in rows]
            if any(cells):
                charts.append({"id": f"means-{group}-{number}", "group": group, "kind": "means",
                               "json": figure_json(means_figure(
                                   [labels[row.ref] for row in rows], cells,
                                   names=occasion_names(data), kinds=data.occasions,
                                   axis_title=_("Mean score"), axis_range=axis_range))})
        charts.append({"id": f"change-{group}", "group": group, "kind": "change", "json": figure_json(
            change_figure([labels[row.ref] for row in data.rows],
                          [row.cells.get(group) for row in data.rows], names=names))})
    return charts


def _dashboard():
    """The filtered dashboard of the request and its tables (shared by page and download)."""
    form, cohort_filter, view = cohort_filter_from(request.args)
    data = cohort_service.dashboard(get_session(), cohort_filter, view.k, view)
    return form, cohort_filter, data, dashboard_tables(data)


@bp.route("/")
def cohort():
    """The cohort dashboard: the MAP2020-style table first, charts below it, never instead."""
    form, cohort_filter, data, tables = _dashboard()
    return render_template(
        "evaluator/cohort.html", form=form, data=data, tables=tables, charts=_charts(data),
        threshold=small_cell_threshold(cohort_filter.organisation_id), export_form=ExportForm(),
        query=request.args.to_dict(), **page_context(data))


@bp.route("/tables.xlsx")
def tables_download():
    """The page's tables as a workbook, exactly as shown; audited like the export."""
    form, cohort_filter, data, tables = _dashboard()
    content = tables_service.download_tables(
        get_session(), organisation_id=cohort_filter.organisation_id, tables=tables,
        cover=cover_lines(form, data, small_cell_threshold(cohort_filter.organisation_id)),
        labels=workbook_labels(),
        filters=cohort_filter.as_details(), **request_actor())
    return Response(content, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{tables_service.file_name()}"'})


@bp.route("/export", methods=["POST"])
def export():
    """Stream the pseudonymised zip for the current filters; the purpose (when stated) and the
    audit event are written first."""
    form = ExportForm()
    _form, cohort_filter, _view = cohort_filter_from(request.args)
    back = redirect(url_for("evaluator.cohort", **request.args.to_dict()))
    if not form.validate():
        flash(form.purpose.errors[0] if form.purpose.errors
              else _("Give the evaluation a name, then download again."), "error")
        return back
    if not form.only_shown_instrument.data:
        cohort_filter = replace(cohort_filter, instrument_key=None)
    purpose = exports.Purpose(form.purpose.data or "", health=form.include_health.data,
                              kasam=form.include_kasam.data)
    try:
        archive = exports.start_export(
            get_session(), cohort_filter, evaluation=form.evaluation.data.strip(),
            layout=form.layout.data, csv_format=form.csv_format.data, purpose=purpose,
            threshold=small_cell_threshold(cohort_filter.organisation_id), **request_actor())
    except exports.CannotExport as refused:
        flash(message_of(refused), "error")
        return back
    return Response(stream_with_context(archive.chunks()), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{archive.file_name}"'})


@bp.route("/goals", methods=["GET", "POST"])
def goal_list():
    """The organisation's programme goals; a new one is added with the form below the list."""
    db = get_session()
    form = GoalForm()
    every = cohort_service.current_instruments()
    form.instrument.choices = as_choices((i.key, instrument_title(i)) for i in every)
    form.target.choices = as_choices([("", _("Default: total, or the mean of all areas"))] + [
        (ref, f"{instrument_title(i)}: {ref_label(i, ref)}")
        for i in every for ref in cohort_service.reported_refs(i)])
    if form.validate_on_submit():
        try:
            goals.create_goal(db, organisation_id=current_user.organisation_id, title=form.title.data,
                              instrument_key=form.instrument.data, measure=form.measure.data,
                              target=form.target.data or None,
                              target_percent=float(form.target_percent.data), staff_id=current_user.id)
        except goals.InvalidGoal:
            flash(_("That score cannot be measured that way. Choose another score or measure."), "error")
        else:
            flash(_("Goal saved."), "success")
            return redirect(url_for("evaluator.goal_list"))
    return render_template("evaluator/goals.html", form=form,
                           goals=cohort_service.goals_of(db, current_user.organisation_id))


@bp.route("/goals/<int:goal_id>/delete", methods=["POST"])
def goal_delete(goal_id: int):
    """Remove a goal of the evaluator's own organisation."""
    if not goals.delete_goal(get_session(), organisation_id=current_user.organisation_id,
                             goal_id=goal_id, staff_id=current_user.id):
        abort(404)
    flash(_("Goal removed."), "success")
    return redirect(url_for("evaluator.goal_list"))
