"""``manage.py import_interactions``: refused while off, all-or-nothing with row and
column, opted-out people never stored, a re-import replaces its weeks."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crosspaths.collaboration.models import CollaborationOptOut, Interaction
from crosspaths.collaboration.services import collaboration_configure

HEADER = "period_start,person_a,person_b,channel,count\n"
GOOD = HEADER + (
    "2026-11-16,A1,B2,chat,12\n"
    "2026-11-16,C3,A1,mail,3\n"  # any order: stored as (smaller key, larger key)
    "2026-11-16,B2,A1,chat,2\n"  # the other direction adds up
    "2026-11-09,B2,C3,meeting,0\n"  # zero: nothing to store
)


def write(tmp_path, text, name="interactions.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def enabled(cast):
    collaboration_configure(organization=cast.org, enabled=True)
    return cast


def totals(org):
    return sorted(
        (str(w), a, b, ch, n)
        for w, a, b, ch, n in Interaction.objects.filter(organization=org).values_list(
            "period_start", "person_a__external_id", "person_b__external_id", "channel", "count"
        )
    )


def test_it_is_refused_while_the_organization_has_not_turned_it_on(cast, tmp_path):
    with pytest.raises(CommandError, match="Collecting interaction counts is off for Acme"):
        call_command("import_interactions", write(tmp_path, GOOD), org="acme")
    assert not Interaction.objects.exists()


def test_it_stores_counts_per_pair_in_one_order(enabled, tmp_path, capsys):
    call_command("import_interactions", write(tmp_path, GOOD), org="acme")
    assert "4 rows, 3 stored" in capsys.readouterr().out
    a1, b2, c3 = enabled.alice.pk, enabled.bob.pk, enabled.chidi.pk
    rows = set(Interaction.objects.values_list("person_a_id", "person_b_id", "channel", "count"))
    assert rows == {
        (min(a1, b2), max(a1, b2), "chat", 12),
        (min(a1, c3), max(a1, c3), "mail", 3),
        (min(a1, b2), max(a1, b2), "chat", 2),
    }


def test_importing_the_same_file_again_changes_nothing(enabled, tmp_path):
    path = write(tmp_path, GOOD)
    call_command("import_interactions", path, org="acme")
    before = totals(enabled.org)
    call_command("import_interactions", path, org="acme")
    assert totals(enabled.org) == before


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(enabled, tmp_path, capsys):
    call_command("import_interactions", write(tmp_path, GOOD), org="acme")
    before = totals(enabled.org)
    bad = HEADER + (
        "2026-11-23,A1,B2,chat,4\n"
        "2026-11-17,A1,B2,chat,1\n"  # a Tuesday
        "2026-11-16,A1,ZZ9,chat,1\n"
        "2026-11-16,A1,B2,fax,1\n"
        "2026-11-16,A1,B2,chat,-2\n"
        "2026-11-16,A1,A1,chat,1\n"
        "2026-12-07,A1,B2,chat,1\n"  # a week that has not started (today: 26 Nov)
    )
    path = write(tmp_path, bad, "bad.csv")
    with pytest.raises(CommandError, match="6 problem"):
        call_command("import_interactions", path, org="acme")
    err = capsys.readouterr().err
    assert f"{path}, row 3, column 'period_start': 2026-11-17 is not a Monday" in err
    assert f"{path}, row 4, column 'person_b': no person with roster id 'ZZ9'" in err
    assert f"{path}, row 5, column 'channel': 'fax' is not one of" in err
    assert f"{path}, row 6, column 'count': '-2' is not a whole number" in err
    assert f"{path}, row 7, column 'person_b': a person cannot interact with themselves" in err
    assert f"{path}, row 8, column 'period_start': 2026-12-07 is a week that has not started" in err
    assert totals(enabled.org) == before  # row 2 was fine, and is not kept either


def test_a_missing_column_is_named(enabled, tmp_path, capsys):
    path = write(tmp_path, "period_start,person_a,person_b,count\n2026-11-16,A1,B2,3\n")
    with pytest.raises(CommandError):
        call_command("import_interactions", path, org="acme")
    assert "row 1, column 'channel': the header has no such column" in capsys.readouterr().err


def test_unknown_ids_can_be_skipped_on_request(enabled, tmp_path, capsys):
    text = GOOD + "2026-11-16,A1,slackbot,chat,40\n"
    call_command("import_interactions", write(tmp_path, text), org="acme", skip_unknown=True)
    assert "1 skipped (unknown ids)" in capsys.readouterr().out
    assert Interaction.objects.count() == 3


def test_rows_of_someone_who_opted_out_are_not_stored(enabled, tmp_path, capsys):
    CollaborationOptOut.objects.create(organization=enabled.org, person=enabled.chidi)
    call_command("import_interactions", write(tmp_path, GOOD), org="acme")
    assert "2 skipped (opted out)" in capsys.readouterr().out
    assert not Interaction.objects.filter(person_a=enabled.chidi).exists()
    assert not Interaction.objects.filter(person_b=enabled.chidi).exists()


def test_ids_are_the_organizations_own(enabled, tmp_path, capsys):
    """Dana's roster id is another organization's: unknown here."""
    enabled.dana.external_id = "D4"
    enabled.dana.save()
    with pytest.raises(CommandError):
        call_command(
            "import_interactions", write(tmp_path, HEADER + "2026-11-16,A1,D4,chat,1\n"), org="acme"
        )
    assert "no person with roster id 'D4'" in capsys.readouterr().err


def test_turning_it_off_deletes_what_was_collected(enabled, tmp_path):
    call_command("import_interactions", write(tmp_path, GOOD), org="acme")
    collaboration_configure(organization=enabled.org, enabled=False)
    assert not Interaction.objects.exists()
