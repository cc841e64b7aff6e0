"""English: "Dec. 2, 2026", "Dec. 2, 2026, 10 a.m." (Django's long form, everywhere)."""

DATE_FORMAT = "N j, Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "P"
DATETIME_FORMAT = "N j, Y, P"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
