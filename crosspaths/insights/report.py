"""The one-page quarterly report (PDF) an HR lead can forward.

Drawn with fpdf2 (pure Python) from the same figures as the dashboard, so it shows
exactly the figures the dashboard shows, with the same small groups hidden. The font
ships with the app (DejaVu Sans, see fonts/LICENSE): no system fonts, nothing fetched.
"""

# Typographic minus, dashes and multiplication signs are meant: they are shown to people.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import copy
import functools
import logging
import threading
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from crosspaths import clock

from .charts import BLUE, GREY, INK, MUTED, VERMILION, Chart, fmt_value
from .figures import (
    Figure,
    Filters,
    connections_figure,
    department_matrix_figure,
    meetings_figure,
    payoff_figure,
    round_totals,
    silo_figure,
    silo_over_period,
)
from .figures.base import fmt, pct_text
from .periods import quarter_period

REPORT_DEPARTMENTS = 12
FONTS = Path(__file__).resolve().parent / "fonts"
# fpdf2 subsets the font with fontTools, which logs every step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass
class Growth:
    a: str
    b: str
    now: int
    before: int

    @property
    def factor(self) -> float:
        return self.now / self.before


@dataclass
class QuarterSummary:
    label: str
    groups: int
    met_rate: float | None
    new_connections: int
    cross_share: float | None
    shown: bool
    growth: Growth | None
    busiest: tuple[str, str, int] | None

    def headline(self) -> str:
        """'Q3 2026: 1,240 meetings, 71 % happened, Finance↔Engineering encounters ×3'."""
        if not self.shown:
            return _("%(quarter)s: not enough meetings to report.") % {"quarter": self.label}
        parts = [
            _("%(count)s meetings") % {"count": fmt(self.groups)},
            _("%(rate)s happened") % {"rate": pct_text(self.met_rate)},
        ]
        if self.growth:
            parts.append(
                _("%(a)s↔%(b)s encounters ×%(factor)s")
                % {"a": self.growth.a, "b": self.growth.b, "factor": _factor(self.growth.factor)}
            )
        elif self.busiest:
            parts.append(
                _("%(a)s↔%(b)s: %(count)s encounters")
                % {"a": self.busiest[0], "b": self.busiest[1], "count": fmt(self.busiest[2])}
            )
        return f"{self.label}: " + ", ".join(parts)


def _factor(x: float) -> str:
    return str(round(x)) if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def quarter_filters(f: Filters, year: int, quarter: int) -> Filters:
    return replace(f, period=quarter_period(year, quarter))


def _pair_counts(fig: Figure) -> dict[tuple[str, str], int]:
    return {(a, b): n for a, b, n in fig.rows if a != b and isinstance(n, int)}  # type: ignore[misc]  # the figure's rows start with two department names


def quarter_summary(f: Filters) -> QuarterSummary:
    """The quarter's headline numbers, and the department pair whose encounters grew
    most against the quarter before (both quarters shown, at least 10 encounters now)."""
    year, quarter = int(f.period.key[:4]), int(f.period.key[-1])
    previous = quarter_filters(f, *((year, quarter - 1) if quarter > 1 else (year - 1, 4)))
    _buckets, check, total = round_totals(f)
    now = _pair_counts(department_matrix_figure(f))
    before = _pair_counts(department_matrix_figure(previous))
    growth = None
    for pair, n in now.items():
        was = before.get(pair, 0)
        if n >= 10 and was > 0 and n / was >= 1.5 and (growth is None or n / was > growth.factor):
            growth = Growth(pair[0], pair[1], n, was)
    busiest = max(((a, b, n) for (a, b), n in now.items()), key=lambda t: t[2], default=None)
    return QuarterSummary(
        label=f.period.label,
        groups=total.matches,
        met_rate=total.met_rate,
        new_connections=total.new_connections,
        cross_share=total.cross_share,
        shown=check.ok(None),
        growth=growth,
        busiest=busiest,
    )


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


REPORT_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


@functools.cache
def _prepared_fonts() -> dict[str, tuple[TTFFont, bytes, tuple[str, ...]]]:
    """The report's fonts as fpdf2 reads them (character widths, glyph ids, font
    descriptor), read once per process: reading them took about 15 ms of every report.
    Each report still subsets its own copy (see ``_Report``), so its PDF is the same.
    Also the glyph order: the fonts have no glyph names (post table format 3), so
    fontTools derives them from the character map, about 5 ms a font each time. And the
    font each report subsets has no OpenType layout tables (GDEF, GPOS, GSUB, MATH):
    fpdf2 drops them when it subsets, but fontTools reads them all before dropping."""
    holder = FPDF()
    fonts = {}
    for style, name in REPORT_FONTS.items():
        holder.add_font("DejaVu", style, str(FONTS / name))
        font = holder.fonts[f"dejavu{style}"]
        assert isinstance(font, TTFFont) and font.color_font is None
        order = tuple(font.ttfont.getGlyphOrder())
        fonts[style] = (font, _without_layout_tables(FONTS / name), order)
    return fonts


# Among the tables fpdf2 drops when it subsets a font; a subset without them is the same.
LAYOUT_TABLES = ("GDEF", "GPOS", "GSUB", "MATH")


def _without_layout_tables(path: Path) -> bytes:
    ttfont = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)
    for tag in LAYOUT_TABLES:
        if tag in ttfont:
            del ttfont[tag]
    out = BytesIO()
    ttfont.save(out)
    return out.getvalue()


def clear_font_cache() -> None:
    """Forget the prepared fonts and the subsets made (the next report reads them)."""
    _prepared_fonts.cache_clear()
    with _subsets_lock:
        _subsets.clear()


SUBSET_CACHE = 64
_subsets: dict[tuple[str, frozenset[str]], bytes] = {}
_subsets_lock = threading.Lock()


class _Report(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for prepared, data, order in _prepared_fonts().values():
            # What add_font would make, without reading the font again. Writing the PDF
            # subsets the font in place and numbers its descriptor, so each report gets
            # its own (lazily read) fontTools font, descriptor and record of the
            # characters it uses: reports made at the same time share nothing they change.
            font = copy.copy(prepared)
            font.i = len(self.fonts) + 1
            font.ttfont = ttLib.TTFont(BytesIO(data), recalcTimestamp=False, lazy=True)
            font.ttfont.setGlyphOrder(list(order))
            font.cw = copy.copy(prepared.cw)
            font.desc = copy.copy(prepared.desc)  # writing the PDF numbers and names it
            font.missing_glyphs = []
            font.biggest_size_pt = 0
            font._hbfont = None
            font.subset = SubsetMap(font)
            self.fonts[font.fontkey] = font
        self.set_auto_page_break(False)
        self.set_margins(16, 14, 16)

    def output(self) -> bytes:  # type: ignore[override]  # fpdf2 returns a bytearray; this one returns bytes
        """The PDF. Subsetting the fonts (fontTools reads all their glyphs, keeps the
        ones used, writes them) was about half of a report; the subset of the same
        glyphs is kept (a few kB each, SUBSET_CACHE of them a process) and the next
        report with those glyphs subsets that small font instead, which gives the same
        bytes (tests/insights/test_report.py compares them with fpdf2's own)."""
        # Only DejaVu is used, a TrueType font (a core font has nothing to subset).
        fonts = [font for font in self.fonts.values() if isinstance(font, TTFFont)]
        keys = {}
        for font in fonts:
            key = (font.fontkey, frozenset(font.subset.get_all_glyph_names()))
            keys[font.fontkey] = key
            with _subsets_lock:
                cached = _subsets.get(key)
            if cached is not None:
                font.ttfont = ttLib.TTFont(BytesIO(cached), recalcTimestamp=False, lazy=True)
        pdf = bytes(super().output())
        for font in fonts:
            key = keys[font.fontkey]
            if key in _subsets:
                continue
            out = BytesIO()
            # Now the subset fpdf2 embedded, all its tables read (fpdf2 closed the file).
            font.ttfont.save(out)
            with _subsets_lock:
                _subsets[key] = out.getvalue()
                while len(_subsets) > SUBSET_CACHE:
                    del _subsets[next(iter(_subsets))]
        return pdf

    def colour(self, color: str, *, fill: bool = False) -> None:
        if fill:
            self.set_fill_color(*_rgb(color))
        else:
            self.set_text_color(*_rgb(color))
            self.set_draw_color(*_rgb(color))


def quarterly_report_pdf(f: Filters) -> bytes:
    """One A4 page: headline, key numbers, "does it pay off?" (organization-wide, when
    shown), groups per week and the silo index."""
    summary = quarter_summary(f)
    pays_off = payoff_figure(f)
    meetings = meetings_figure(f)
    silos = silo_figure(f)
    connections = connections_figure(f)
    pdf = _Report()
    pdf.set_title(summary.headline())
    pdf.set_author("Crosspaths")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("DejaVu", "", 10)
    pdf.colour(MUTED)
    scope = [f.organization.name]
    if f.program:
        scope.append(f.program.name)
    if f.location:
        scope.append(f.location.name)
    scope.append(
        _("%(start)s to %(end)s")
        % {
            "start": date_format(f.period.start, "DATE_FORMAT"),
            "end": date_format(f.period.end, "DATE_FORMAT"),
        }
    )
    pdf.cell(width, 6, " · ".join(scope), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 17)
    pdf.colour(INK)
    pdf.multi_cell(width, 8.5, summary.headline(), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    tiles = [
        (_("Meetings arranged"), fmt(summary.groups)),
        (_("Met, of those answered"), pct_text(summary.met_rate)),
        (_("New connections"), fmt(summary.new_connections)),
        (_("Across departments"), pct_text(summary.cross_share)),
    ]
    tile_w = (width - 3 * 4) / 4
    y = pdf.get_y()
    for i, (label, value) in enumerate(tiles):
        x = pdf.l_margin + i * (tile_w + 4)
        pdf.colour("#f0f3f7", fill=True)
        pdf.rect(x, y, tile_w, 22, style="F")
        pdf.set_xy(x + 3, y + 3)
        pdf.set_font("DejaVu", "B", 15)
        pdf.colour(INK)
        pdf.cell(tile_w - 6, 8, value if summary.shown else "–")
        pdf.set_xy(x + 3, y + 12)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.colour(MUTED)
        pdf.multi_cell(tile_w - 6, 4, label, align="L")
    pdf.set_y(y + 28)
    if pays_off is not None and not pays_off.empty:
        # Only a figure that passed its privacy and sample-size rules; otherwise nothing.
        _section(pdf, pays_off.title, pays_off.summary, width)
        pdf.ln(2)

    _section(pdf, meetings.title, meetings.summary, width)
    top = pdf.get_y()
    _bar_chart(pdf, meetings.charts[0], pdf.l_margin, top, width, 52)
    pdf.set_y(top + 59)
    _section(pdf, connections.title, connections.summary, width)
    top = pdf.get_y()
    _bar_chart(pdf, connections.charts[0], pdf.l_margin, top, width, 40)
    pdf.set_y(top + 44)
    _section(
        pdf,
        silos.title,
        silos.explanation + " " + _("Over the whole quarter: every round's encounters added up."),
        width,
    )
    _ei_bars(pdf, silo_over_period(f), pdf.l_margin, pdf.get_y(), width)

    pdf.set_font("DejaVu", "", 7.5)
    pdf.colour(MUTED)
    pdf.set_xy(pdf.l_margin, pdf.h - 14)
    pdf.multi_cell(
        width,
        3.5,
        align="L",
        text=_(
            "Figures behind fewer than %(minimum)s people are hidden. No individual's answers "
            "are shown. Made by Crosspaths on %(today)s."
        )
        % {"minimum": f.minimum, "today": date_format(clock.today(), "DATE_FORMAT")},
    )
    return bytes(pdf.output())


def _section(pdf: _Report, title: str, text: str, width: float) -> None:
    pdf.set_font("DejaVu", "B", 11.5)
    pdf.colour(INK)
    pdf.cell(width, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8.5)
    pdf.colour(MUTED)
    pdf.multi_cell(width, 4, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _bar_chart(pdf: _Report, chart: Chart, x: float, y: float, w: float, h: float) -> None:
    """Stacked bars of a chart spec (met, did not happen, no answer per week)."""
    n = len(chart.labels)
    totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(n)]
    top = max(totals, default=0) or 1
    y += 5  # room for the value above the tallest bar
    plot_h = h - 17
    slot = w / max(n, 1)
    bar = min(9.0, slot * 0.7)
    pdf.colour(GREY)
    pdf.set_line_width(0.2)
    pdf.line(x, y + plot_h, x + w, y + plot_h)
    pdf.set_font("DejaVu", "", 6.5)
    step = max(1, (n + 11) // 12)
    for i in range(n):
        cx = x + slot * (i + 0.5)
        if len(chart.series) == 1 and chart.series[0].values[i] is None:
            continue
        base = 0.0
        for s in chart.series:
            v = s.values[i]
            if not v:
                continue
            bh = plot_h * v / top
            pdf.colour(s.color, fill=True)
            pdf.rect(cx - bar / 2, y + plot_h - (base + bh), bar, bh, style="F")
            base += bh
        if totals[i]:
            pdf.colour(INK)
            pdf.set_xy(cx - slot / 2, y + plot_h - base - 4)
            pdf.cell(slot, 3.5, fmt_value(totals[i], "count"), align="C")
        if i % step == 0:
            pdf.colour(MUTED)
            pdf.set_xy(cx - slot, y + plot_h + 1)
            pdf.cell(slot * 2, 4, chart.labels[i], align="C")
    lx = x
    pdf.set_font("DejaVu", "", 7.5)
    for s in chart.series if len(chart.series) > 1 else ():
        pdf.colour(s.color, fill=True)
        pdf.rect(lx, y + h - 4, 3, 3, style="F")
        pdf.colour(INK)
        pdf.set_xy(lx + 4, y + h - 4.6)
        label_w = pdf.get_string_width(s.label) + 2
        pdf.cell(label_w, 4, s.label)
        lx += label_w + 10


def _ei_bars(
    pdf: _Report, rows: list[tuple[str, float | None]], x: float, y: float, w: float
) -> None:
    """Each department's E-I index over the quarter as a bar from the centre line
    (−1 … +1)."""
    if len(rows) > REPORT_DEPARTMENTS:  # the most inward-looking ones matter most
        rows = sorted(rows, key=lambda r: 2 if r[1] is None else r[1])[:REPORT_DEPARTMENTS]
    label_w = 48
    plot_w = w - label_w - 22
    mid = x + label_w + plot_w / 2
    pdf.set_font("DejaVu", "", 8)
    row_h = min(6.5, (pdf.h - 20 - y) / max(len(rows), 1))
    for i, (name, value) in enumerate(rows):
        ry = y + i * row_h
        pdf.colour(INK)
        pdf.set_xy(x, ry)
        pdf.cell(label_w - 2, row_h - 1, name, align="R")
        if value is None:
            pdf.colour(MUTED)
            pdf.set_xy(mid - 10, ry)
            pdf.cell(20, row_h - 1, "–", align="C")
            continue
        length = plot_w / 2 * value
        pdf.colour(BLUE if value >= 0 else VERMILION, fill=True)
        pdf.rect(min(mid, mid + length), ry + 0.8, abs(length), row_h - 2.6, style="F")
        pdf.colour(INK)
        pdf.set_xy(x + label_w + plot_w + 2, ry)
        pdf.cell(20, row_h - 1, fmt_value(value, "index"))
    pdf.colour(GREY)
    pdf.set_line_width(0.3)
    pdf.line(mid, y - 1, mid, y + len(rows) * row_h)
    pdf.set_font("DejaVu", "", 7)
    pdf.colour(MUTED)
    for value, label in ((-1, _("−1 only within")), (1, _("+1 only across"))):
        pdf.set_xy(mid + plot_w / 2 * value - (30 if value > 0 else 0), y + len(rows) * row_h + 1)
        pdf.cell(30, 3.5, label, align="R" if value > 0 else "L")


def report_filename(f: Filters) -> str:
    return f"crosspaths-{f.organization.slug}-{f.period.key}.pdf"
