"""English and German ship: every user-facing string is translated, and the compiled
catalogue matches its source."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "crosspaths" / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_every_german_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(po.translated_entries()) > 100


def test_placeholders_survive_translation():
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for entry in polib.pofile(str(PO)).translated_entries():
        if entry.msgid_plural:
            continue
        assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), (
            entry.msgid
        )


def test_the_compiled_catalogue_matches_the_source():
    po = {e.msgid: e.msgstr for e in polib.pofile(str(PO)).translated_entries()}
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo"))) if e.msgid}
    missing = {k for k in po if k not in mo and "\x00" not in k}
    changed = {k for k in po if k in mo and mo[k] != po[k]}
    assert missing == set() and changed == set()


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    """Run makemessages on a copy of the code: it must not find a string the catalogue lacks."""
    copy = tmp_path / "crosspaths"
    shutil.copytree(ROOT / "crosspaths", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "de",
            "--no-obsolete",
            "--ignore",
            "matching/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
    )
    fresh = polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    new = [e.msgid for e in fresh.untranslated_entries()]
    assert new == [], "run `make messages` and translate: " + ", ".join(new[:10])
