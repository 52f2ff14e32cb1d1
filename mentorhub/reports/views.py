"""The programme report and its CSV tables, for the coordinator."""

from __future__ import annotations

from flask import Response, current_app, flash, render_template, request
from flask_login import current_user
from markupsafe import Markup

from mentorhub import web
from mentorhub.reports import services
from mentorhub.reports.csv_export import to_csv
from mentorhub.timeutil import utcnow

bp = web.blueprint("reports", __name__)

# Four hues with at least 4.5:1 contrast on white, told apart by more than red and green.
COLOURS = ("#1f5fa8", "#a84a00", "#2e7d32", "#6a1b9a")


def _filters(known: services.Choices) -> tuple[services.Filters, str]:
    return services.read_filters(
        current_user,
        request.args.get("period"),
        request.args.get("school"),
        current_app.config["REPORT_THRESHOLD"],
        known,
    )


def _cache_seconds() -> float:
    return current_app.config["REPORT_CACHE_SECONDS"]


@bp.get("/")
def programme():
    known = services.choices(_cache_seconds())
    filters, problem = _filters(known)
    if problem:
        flash(problem, "error")
    report = services.read_report(
        current_user, filters, utcnow(), _cache_seconds(), layout=_tables_html
    )
    return render_template(
        "reports/programme.html",
        report=report,
        tables_html=_tables_html(report),
        periods=services.periods(known),
        schools=services.pupil_schools(known),
        school_value=filters.school_id,
    )


def _tables_html(report: services.Report) -> Markup:
    # The tables depend on the report alone (its cache key holds the language), so a report
    # read again from the cache is not laid out again either.
    if "tables" not in report.html:
        report.html["tables"] = Markup(
            render_template("reports/_tables.html", report=report, colours=COLOURS)
        )
    return report.html["tables"]


@bp.get("/<key>.csv")
def table_csv(key: str):
    filters, _problem = _filters(services.choices(_cache_seconds()))
    table = services.export_table(current_user, filters, key, utcnow(), _cache_seconds())
    filename = f"mentorhub-{key}.csv"
    return Response(
        to_csv(table.header(), [[label, *cells] for label, cells in table.rows()]),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
