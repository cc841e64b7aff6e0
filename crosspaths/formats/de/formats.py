"""German: "2. Dezember 2026", "2. Dezember 2026, 10:00" (the long form, everywhere)."""

DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j. F Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
