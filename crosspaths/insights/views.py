"""Insights pages: thin views over ``figures``; admins see the whole organization,
program managers their programs (see ``people.permissions.sees_organization_insights``)."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.conf import settings as site_settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crosspaths.collaboration import tasks as collaboration_tasks
from crosspaths.collaboration.services import collaboration_settings
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import admin_required
from crosspaths.programs.permissions import insights_required
from crosspaths.spreadsheets import safe_cell

from . import figures, services, tasks
from .charts import svg
from .forms import InsightsFilterForm
from .payoff import payoff, payoff_rows
from .periods import parse_quarter, quarter_label
from .report import quarter_filters, quarterly_report_pdf, report_filename

WIDE = {"departments", "silos", "waiting"}
RECOUNT_PAUSE_SECONDS = 300
TABLE_ROWS = 60


def _filters(request: PersonRequest) -> tuple[InsightsFilterForm, figures.Filters]:
    form = InsightsFilterForm(
        request.GET or None,
        person=request.person,
    )
    return form, form.filters()


@require_GET
@insights_required
def dashboard(request: PersonRequest) -> HttpResponse:
    form, filters = _filters(request)
    headline, shown = figures.dashboard(filters)
    query = urlencode(filters.query())
    for fig in shown:
        fig.svgs = [  # type: ignore[attr-defined]  # attributes for the template only
            {"title": chart.title if chart.title != fig.title else "", "svg": svg(chart)}
            for chart in fig.charts
        ]
        fig.note = fig.hidden_note(filters.minimum)  # type: ignore[attr-defined]  # attributes for the template only
        fig.csv_url = f"{reverse('insights:csv', args=[fig.slug])}?{query}"  # type: ignore[attr-defined]  # attributes for the template only
        fig.wide = fig.slug in WIDE  # type: ignore[attr-defined]  # attributes for the template only
        # Long tables stay in the CSV: the page lists the first rows only.
        fig.table_rows = fig.rows[:TABLE_ROWS]  # type: ignore[attr-defined]  # attributes for the template only
        fig.table_cut = len(fig.rows) > TABLE_ROWS  # type: ignore[attr-defined]  # attributes for the template only
    place = urlencode({k: v for k, v in filters.query().items() if k != "period"})
    reports = [
        {
            "label": quarter_label(*parse_quarter(key)),  # type: ignore[misc]  # a quarter key parses to (year, quarter)
            "url": f"{reverse('insights:report', args=[key])}{'?' + place if place else ''}",
        }
        for key in form.quarters[:4]
    ]
    org = request.person.organization
    return render(
        request,
        "insights/dashboard.html",
        {
            "counted_at": services.figures_counted_at(organization=org),
            "nightly_hour": site_settings.INSIGHTS_NIGHTLY_HOUR_UTC,
            "zone": org.timezone,
            "can_recount": request.person.is_admin,
            "form": form,
            "filters": filters,
            "query": filters.query(),
            "headline": headline,
            "figures": shown,
            "reports": reports,
        },
    )


@require_GET
@insights_required
def figure_csv(request: PersonRequest, slug: str) -> HttpResponse:
    """The numbers behind one figure, as shown (hidden values are empty cells); text
    such as a department named "=HYPERLINK(...)" cannot run as a formula."""
    _form, filters = _filters(request)
    fig = figures.figure(slug, filters)
    if fig is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="crosspaths-{slug}-{filters.period.key}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(map(safe_cell, fig.header))
    writer.writerows(map(safe_cell, row) for row in fig.rows)
    return response


@require_GET
@insights_required
def quarterly_report(request: PersonRequest, quarter: str) -> HttpResponse:
    """The one-page PDF for a quarter (program and location as on the dashboard)."""
    parsed = parse_quarter(quarter)
    if parsed is None:
        raise Http404
    _form, filters = _filters(request)
    filters = quarter_filters(filters, *parsed)
    response = HttpResponse(quarterly_report_pdf(filters), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report_filename(filters)}"'
    return response


@require_POST
@admin_required
def recount(request: PersonRequest) -> HttpResponse:
    """Queue counting the organization's figures now (admins: the whole organization's
    figures change). A second press within a few minutes queues nothing more."""
    org = request.person.organization
    if cache.add(f"insights-recount:{org.pk}", True, RECOUNT_PAUSE_SECONDS):
        tasks.insights_recount.enqueue(org.pk)
        messages.success(
            request, _("The figures are being counted again; reload the page in a minute.")
        )
    else:
        messages.info(request, _("A recount is already under way; reload the page in a minute."))
    return redirect("insights:dashboard")


@require_http_methods(["GET", "POST"])
@admin_required
def payoff_page(request: PersonRequest) -> HttpResponse:
    """ "Does it pay off?": the stored estimate (organization-wide, so admins only); a
    POST queues computing it now."""
    org = request.person.organization
    settings = collaboration_settings(org)
    if request.method == "POST":
        if settings.enabled:
            collaboration_tasks.payoff_compute.enqueue(org.pk)
            messages.success(request, _("The estimate is being computed; reload in a minute."))
        return redirect("insights:payoff")
    figure = payoff(org)
    svg_chart = (
        svg(figure.chart) if figure.chart and figure.estimate and figure.estimate.trend else ""
    )
    return render(
        request,
        "insights/payoff.html",
        {"settings": settings, "payoff": figure, "chart": svg_chart},
    )


@require_GET
@admin_required
def payoff_csv(request: PersonRequest) -> HttpResponse:
    header, rows = payoff_rows(request.person.organization)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="crosspaths-pays-off.csv"'
    writer = csv.writer(response)
    writer.writerow(map(safe_cell, header))
    writer.writerows(map(safe_cell, row) for row in rows)
    return response
