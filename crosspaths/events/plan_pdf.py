"""The printable table plan (PDF): one section per round with every table and who sits
there, then one cut-out card per attendee ("Round 1: table 7, round 2: table 3 …").

Drawn with fpdf2 like the quarterly insights report, with the same bundled font
(DejaVu Sans: every script a name may be written in, nothing fetched).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import Event
from .selectors import Card, Rotation

FONTS = Path(__file__).resolve().parent.parent / "insights" / "fonts"
INK, MUTED, RULE = (31, 41, 55), (90, 99, 112), (170, 176, 186)
logging.getLogger("fontTools").setLevel(logging.WARNING)

COLUMNS = 3  # tables side by side on a plan page
LINE = 4.6  # mm per name
CARD_W, CARD_H = 89.0, 50.0  # 2 x 5 cards on A4 below the heading, cut along the lines


class _Plan(FPDF):
    def __init__(self, event: Event) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(False)
        self.set_margins(16, 14, 16)
        self.event = event

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def fitted(self, text: str, width: float) -> str:
        """``text`` shortened with an ellipsis until it fits ``width`` mm."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def heading(self, title: str) -> None:
        self.add_page()
        self.set_font("DejaVu", "", 9.5)
        self.set_text_color(*MUTED)
        when = date_format(self.event.date, "DATE_FORMAT")
        line = f"{self.event.name} · {when}"
        self.cell(self.width, 5, self.fitted(line, self.width), new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "B", 16)
        self.set_text_color(*INK)
        self.cell(self.width, 9, title, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)


def event_plan_pdf(*, event: Event, plan: list[Rotation], cards: list[Card]) -> bytes:
    """The table plan, a round per section, then the attendees' cards."""
    pdf = _Plan(event)
    pdf.set_title(_("Table plan: %(event)s") % {"event": event.name})
    pdf.set_author("Crosspaths")
    for rotation in plan:
        _rotation(pdf, rotation)
    if cards:
        _cards(pdf, cards)
    if not plan:
        pdf.heading(_("Table plan"))
        pdf.set_font("DejaVu", "", 11)
        pdf.cell(pdf.width, 6, _("No one is seated yet."))
    return bytes(pdf.output())


def _rotation(pdf: _Plan, rotation: Rotation) -> None:
    title = _("Round %(number)s") % {"number": rotation.number}
    pdf.heading(title)
    gap = 5.0
    box_w = (pdf.width - (COLUMNS - 1) * gap) / COLUMNS
    tallest = max(len(t.people) for t in rotation.tables)
    box_h = 8 + tallest * LINE + 3
    y = pdf.get_y()
    for k, table in enumerate(rotation.tables):
        col = k % COLUMNS
        if col == 0 and k:
            y += box_h + gap
        if y + box_h > pdf.h - 12:
            pdf.heading(title + " " + _("(continued)"))
            y = pdf.get_y()
        x = pdf.l_margin + col * (box_w + gap)
        pdf.set_draw_color(*RULE)
        pdf.rect(x, y, box_w, box_h)
        pdf.set_xy(x + 3, y + 2)
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_text_color(*INK)
        pdf.cell(box_w - 6, 6, _("Table %(number)s") % {"number": table.number})
        pdf.set_font("DejaVu", "", 9)
        for i, person in enumerate(table.people):
            pdf.set_xy(x + 3, y + 8 + i * LINE)
            name = person.name or person.email
            dept = f" · {person.department.name}" if person.department else ""
            pdf.cell(box_w - 6, LINE, pdf.fitted(name + dept, box_w - 6))


def _cards(pdf: _Plan, cards: list[Card]) -> None:
    per_page, top = 10, 0.0
    for k, card in enumerate(cards):
        if k % per_page == 0:
            pdf.heading(_("Cards for the attendees"))
            top = pdf.get_y()
        col, row = k % 2, (k % per_page) // 2
        x = pdf.l_margin + col * CARD_W
        y = top + row * CARD_H
        pdf.set_draw_color(*RULE)
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        pdf.rect(x, y, CARD_W, CARD_H)
        pdf.set_dash_pattern()
        pdf.set_xy(x + 5, y + 4)
        pdf.set_font("DejaVu", "B", 12)
        pdf.set_text_color(*INK)
        pdf.cell(CARD_W - 10, 6, pdf.fitted(card.person.name or card.person.email, CARD_W - 10))
        pdf.set_xy(x + 5, y + 10)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.set_text_color(*MUTED)
        when = date_format(pdf.event.date, "DATE_FORMAT")
        pdf.cell(CARD_W - 10, 4.5, pdf.fitted(f"{pdf.event.name} · {when}", CARD_W - 10))
        pdf.set_font("DejaVu", "", 10)
        pdf.set_text_color(*INK)
        line = min(4.8, (CARD_H - 18) / max(1, len(card.tables)))
        for i, table in enumerate(card.tables):
            pdf.set_xy(x + 5, y + 16 + i * line)
            pdf.cell(
                CARD_W - 10,
                line,
                _("Round %(round)s: table %(table)s") % {"round": i + 1, "table": table},
            )
