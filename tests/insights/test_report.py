"""The quarterly one-page report: its headline and a readable PDF."""

# ruff: noqa: RUF001

from datetime import date

from crosspaths.insights.figures import Filters
from crosspaths.insights.periods import Period
from crosspaths.insights.report import quarter_filters, quarter_summary, quarterly_report_pdf
from crosspaths.insights.services import insights_backfill
from crosspaths.programs.models import Match, MatchMember, Round


def q1_filters(net):
    insights_backfill(organization=net.org, today=date(2026, 1, 20))
    base = Filters(
        organization=net.org,
        program=None,
        location=None,
        period=Period("12m", date(2025, 1, 1), date(2026, 1, 20), ""),
        organization_wide=True,
        today=date(2026, 4, 1),
    )
    return quarter_filters(base, 2026, 1)


def test_the_headline_names_meetings_the_met_rate_and_the_busiest_pair(net):
    summary = quarter_summary(q1_filters(net))
    assert (
        summary.headline() == "Q1 2026: 7 meetings, 75% happened, Finance↔Engineering: 3 encounters"
    )


def test_the_headline_names_the_pair_that_grew_most_against_the_last_quarter(net):
    # Q4 2025: one Finance-Engineering encounter (f3-e2); Q1 2026 has 3 -> but fewer than
    # 10, so growth needs more: add a round with 8 more Finance-Engineering pairs.
    old = Round.objects.create(
        organization=net.org, program=net.coffee, date=date(2025, 12, 1), status="closed"
    )
    match = Match.objects.create(organization=net.org, round=old)
    for person in (net.f3, net.e2):
        MatchMember.objects.create(organization=net.org, match=match, round=old, person=person)
    for k, day in enumerate((19, 26)):
        rnd = Round.objects.create(
            organization=net.org, program=net.coffee, date=date(2026, 1, day), status="closed"
        )
        group = Match.objects.create(organization=net.org, round=rnd)
        for person in (net.f1, net.f2, net.f3, net.z1) if k == 0 else (net.f2, net.f3, net.z1):
            MatchMember.objects.create(organization=net.org, match=group, round=rnd, person=person)
        for person in (net.e1, net.e2, net.e3) if k == 0 else (net.e1,):
            MatchMember.objects.create(organization=net.org, match=group, round=rnd, person=person)
    f = q1_filters(net)
    assert quarter_summary(f).growth is None  # Q4's single encounter is too small to show
    net.org.min_cell_size = 1
    summary = quarter_summary(f)
    # Q1: 3 (r1, r2) + 4x3 (19 Jan) + 3x1 (26 Jan) = 18 Engineering-Finance encounters
    assert summary.growth is not None and (summary.growth.now, summary.growth.before) == (18, 1)
    assert summary.headline().endswith("Finance↔Engineering encounters ×18")


def test_the_pdf_is_one_page(net):
    pdf = quarterly_report_pdf(q1_filters(net))
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") <= 1
    assert b"/Count 1" in pdf


def test_the_silo_index_adds_up_the_whole_quarter_not_the_last_round(net):
    # Finance: r1 gives f1-e1 (with others, E) and f2-f3 (within, I); r2 gives f1-e1,
    # f1-e2, f1-l1 (E); r3 gives f1-f2 (I). E = 4, I = 2: (4 - 2) / 6 = +0.33.
    # Engineering: f1-e1, e2-l1 (r1), f1-e1, f1-e2, e1-l1, e2-l1 (r2) = 6 E; e1-e2 (r2),
    # e1-e3 (r3) = 2 I: +0.5. The latest point of the weekly chart, which the report used
    # to show, is the week of 5 January alone for Finance (r3's week has two Finance
    # people, too few to show): E = 4, I = 1, +0.6.
    from crosspaths.insights.figures import silo_figure, silo_over_period

    f = q1_filters(net)
    quarter = dict(silo_over_period(f))
    assert quarter["Finance"] == 0.33 and quarter["Engineering"] == 0.5
    last = {
        s.label: [v for v in s.values if v is not None][-1]
        for s in silo_figure(f).charts[0].series
        if any(v is not None for v in s.values)
    }
    assert last["Finance"] == 0.6


def _without_dates(pdf: bytes) -> bytes:
    """The PDF without what fpdf2 takes from the real clock (creation date, file id)."""
    import re

    pdf = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", pdf)


def test_fonts_read_once_give_the_same_pdf_as_fonts_read_per_report(net, monkeypatch):
    # The report reuses the fonts fpdf2 read once per process and the font subsets it
    # made; the PDF must be byte for byte what fpdf2's own add_font makes, for the first
    # report (nothing kept yet) and for the next one (the kept subsets used).
    from fpdf import FPDF

    from crosspaths.insights import report

    class PerCall(report._Report):
        output = FPDF.output  # fpdf2's own, no kept subsets

        def __init__(self) -> None:
            FPDF.__init__(self, orientation="P", unit="mm", format="A4")
            for style, name in report.REPORT_FONTS.items():
                self.add_font("DejaVu", style, str(report.FONTS / name))
            self.set_auto_page_break(False)
            self.set_margins(16, 14, 16)

    f = q1_filters(net)
    report.clear_font_cache()
    first = quarterly_report_pdf(f)
    assert len(report._subsets) == 2  # regular and bold
    second = quarterly_report_pdf(f)
    monkeypatch.setattr(report, "_Report", PerCall)
    plain = quarterly_report_pdf(f)
    assert b"/FontFile2" in plain and b"/CreationDate" in plain
    assert b"/CreationDate" not in _without_dates(plain)
    assert _without_dates(first) == _without_dates(plain)
    assert _without_dates(second) == _without_dates(plain)
    # Other glyphs (the name in the regular font only): a new subset, still the same.
    net.org.name = "Größe & Söhne – Ωmega"
    plain = quarterly_report_pdf(f)
    monkeypatch.undo()
    other = quarterly_report_pdf(f)
    assert len(report._subsets) == 3 and other != first
    assert _without_dates(other) == _without_dates(plain)


def test_reports_share_nothing_that_writing_a_pdf_changes():
    # Two reports made at the same time (threads of one worker) must not subset the same
    # fontTools font or number the same font descriptor.
    from crosspaths.insights import report

    one, two = report._Report(), report._Report()
    for key in ("dejavu", "dejavuB"):
        a, b = one.fonts[key], two.fonts[key]
        for name in ("ttfont", "desc", "subset", "cw", "missing_glyphs"):
            assert getattr(a, name) is not getattr(b, name), (key, name)
        assert a.cw == b.cw and a.glyph_ids == b.glyph_ids
