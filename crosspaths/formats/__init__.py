"""One date format per language (``FORMAT_MODULE_PATH``): the short and long names
Django offers (DATE_FORMAT, SHORT_DATE_FORMAT, DATETIME_FORMAT, ...) all write a date
the same way, so a page, an e-mail and the console never show one day three ways
("Dec. 2, 2026", "12/02/2026", "2026-12-02"). Times follow the language too: "10 a.m."
in English, "10:00" in German."""
