"""One date format per language: every format name Django offers writes a day the same
way, in English and in German, in pages and e-mails alike."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, translation

MOMENT = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
EXPECTED = {
    "en": ("Dec. 2, 2026", "Dec. 2, 2026, 10 a.m."),
    "de": ("2. Dezember 2026", "2. Dezember 2026, 10:00"),
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_date_format_name_writes_a_day_one_way(language):
    day, moment = EXPECTED[language]
    with translation.override(language):
        dates = {formats.date_format(MOMENT, name) for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT")}
        times = {
            formats.date_format(MOMENT, name)
            for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT")
        }
        template = Template('{{ m|date:"SHORT_DATE_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}')
        rendered = template.render(Context({"m": MOMENT.replace(tzinfo=None)}))
    assert dates == {day} and times == {moment}
    assert rendered == f"{day}|{moment}"
