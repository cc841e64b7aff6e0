"""The "does it pay off?" estimate in the dashboard's figures: a figure with its CSV and
a section of the quarterly PDF when the estimate is shown; only a sentence (no numbers)
when it is not; nothing at all while collection is off or for a program's or an
office's view."""

# The multiplication sign and the en dash are what the page shows.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from crosspaths.clock import now
from crosspaths.collaboration.models import PayoffEstimate
from crosspaths.insights import report
from crosspaths.insights.figures import dashboard, figure

from .test_report import q1_filters


def store(org, **fields):
    values = {
        "computed_at": now(),
        "weeks_after": 8,
        "pairs": 4210,
        "comparison_pairs": 20_050,
        "rounds": 12,
        "shown": True,
        "uplift": 2.1,
        "low": 1.7,
        "high": 2.6,
        "difference": 3.4,
        "difference_low": 2.8,
        "difference_high": 4.0,
        "departments": [],
        "trend": [],
    }
    return PayoffEstimate.objects.create(organization=org, **{**values, **fields})


@pytest.fixture
def sections(monkeypatch):
    """The PDF's sections as (title, text), as drawn."""
    drawn: list[tuple[str, str]] = []
    draw = report._section

    def spy(pdf, title, text, width):
        drawn.append((title, text))
        draw(pdf, title, text, width)

    monkeypatch.setattr(report, "_section", spy)
    return drawn


def test_a_shown_estimate_is_a_figure_with_its_numbers(net):
    store(net.org)
    fig = figure("pays-off", q1_filters(net))
    assert fig is not None and not fig.empty
    assert fig.summary.startswith("Colleagues who met exchanged 2.1× as many messages")
    assert "95 % interval 1.7×–2.6×, 4,210 pairs" in fig.summary
    assert fig.rows == [[2.1, 1.7, 2.6, 4210, 20050, 8]]
    _headline, figures = dashboard(q1_filters(net))
    assert "pays-off" in [f.slug for f in figures]


def test_its_csv_has_the_uplift_interval_and_pairs(cast, client):
    store(cast.org)
    client.force_login(cast.alice.user)
    answer = client.get("/insights/pays-off.csv")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0][:4] == ["Uplift (ratio)", "Low (95 %)", "High (95 %)", "Pairs"]
    assert rows[1] == ["2.1", "1.7", "2.6", "4210", "20050", "8"]


def test_an_estimate_not_shown_gives_a_sentence_and_no_numbers(net, cast, client):
    store(net.org, shown=False, pairs=12, uplift=None, low=None, high=None)
    fig = figure("pays-off", q1_filters(net))
    assert fig is not None and fig.empty and fig.rows == []
    assert fig.summary.startswith("Not enough pairs yet")
    store(cast.org, shown=False, pairs=12, uplift=None, low=None, high=None)
    client.force_login(cast.alice.user)
    rows = list(csv.reader(io.StringIO(client.get("/insights/pays-off.csv").content.decode())))
    assert len(rows) == 1  # the header only


def test_nothing_while_collection_is_off_or_for_a_program(net):
    assert figure("pays-off", q1_filters(net)) is None
    store(net.org)
    assert figure("pays-off", replace(q1_filters(net), program=net.coffee)) is None
    assert figure("pays-off", replace(q1_filters(net), organization_wide=False)) is None


def test_the_pdf_has_the_figure_on_its_one_page(net, sections):
    store(net.org)
    pdf = report.quarterly_report_pdf(q1_filters(net))
    pays_off = [text for title, text in sections if title == "Does it pay off?"]
    assert len(pays_off) == 1 and "2.1×" in pays_off[0] and "4,210 pairs" in pays_off[0]
    assert b"/Count 1" in pdf


def test_the_pdf_leaves_it_out_when_it_is_not_shown(net, sections):
    store(net.org, shown=False, pairs=12, uplift=None, low=None, high=None)
    report.quarterly_report_pdf(q1_filters(net))
    assert "Does it pay off?" not in [title for title, _text in sections]
    assert sections  # the other sections were drawn


def test_a_program_managers_pdf_leaves_it_out(net, sections):
    store(net.org)
    report.quarterly_report_pdf(replace(q1_filters(net), program=net.coffee))
    assert "Does it pay off?" not in [title for title, _text in sections]
