"""``manage.py import_people``: creating, updating, and refusing a bad file whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crosspaths.people.models import Department, Location, Person

ROOT = Path(__file__).resolve().parents[2]
HEADER = "id,name,email,department,team,location,level,manager_id,start_date,timezone,languages,interests,active\n"
GOOD = HEADER + (
    "E1,Erin Ek,erin@acme.test,Sales,Hunters,Lisbon,4,,2020-05-01,Europe/Lisbon,pt;en,surfing;Coffee,true\n"
    "E2,Farid Faro,farid@acme.test,Sales,Hunters,Lisbon,2,E1,2026-10-01,Europe/Lisbon,en,,true\n"
    "C3,Chidi Okafor,chidi@acme.test,Engineering,Platform,Munich,4,A1,2021-01-04,Europe/Berlin,en;de,chess,true\n"
)


def write(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_creates_new_people_and_updates_existing_ones(cast, tmp_path, capsys):
    call_command("import_people", write(tmp_path, GOOD), org="acme")
    out = capsys.readouterr().out
    assert "2 new, 1 updated, 0 unchanged, 0 deactivated" in out

    erin = Person.objects.get(organization=cast.org, external_id="E1")
    farid = Person.objects.get(organization=cast.org, email="farid@acme.test")
    assert (erin.department.name, erin.team.name, erin.location.name) == (
        "Sales",
        "Hunters",
        "Lisbon",
    )
    assert erin.languages == ["pt", "en"] and erin.interests == ["surfing", "coffee"]
    assert farid.manager == erin and farid.level == 2
    assert Location.objects.get(organization=cast.org, name="Lisbon").timezone == "Europe/Lisbon"

    cast.chidi.refresh_from_db()
    assert cast.chidi.manager == cast.alice  # A1 was already in the database
    assert cast.chidi.team.name == "Platform" and cast.chidi.level == 4
    assert cast.chidi.team.department == cast.engineering


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cast, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_people", path, org="acme")
    call_command("import_people", path, org="acme")
    assert "0 new, 0 updated, 3 unchanged" in capsys.readouterr().out.splitlines()[-1]


def test_people_are_matched_by_email_when_they_have_no_roster_id_yet(cast, tmp_path):
    Person.objects.filter(pk=cast.chidi.pk).update(external_id="")
    call_command("import_people", write(tmp_path, GOOD), org="acme")
    cast.chidi.refresh_from_db()
    assert cast.chidi.external_id == "C3"
    assert Person.objects.filter(organization=cast.org, email="chidi@acme.test").count() == 1


def test_columns_missing_from_the_file_are_left_alone(cast, tmp_path):
    call_command("import_people", write(tmp_path, "id,title\nB2,\n"), org="acme")
    cast.bob.refresh_from_db()
    assert cast.bob.languages == ["de"] and cast.bob.department == cast.people_dept


def test_missing_people_are_deactivated_only_when_asked(cast, tmp_path):
    path = write(tmp_path, GOOD)
    call_command("import_people", path, org="acme")
    cast.bob.refresh_from_db()
    assert cast.bob.active
    # Alice and Bob are missing, so Chidi (in the file) must be an admin too; two of
    # Acme's people is a mass deactivation, confirmed with its count.
    Person.objects.filter(pk=cast.chidi.pk).update(role=Person.Role.ADMIN)
    with pytest.raises(CommandError, match="--confirm-deactivations 2"):
        call_command("import_people", path, org="acme", deactivate_missing=True)
    call_command(
        "import_people", path, org="acme", deactivate_missing=True, confirm_deactivations=2
    )
    cast.bob.refresh_from_db()
    assert not cast.bob.active and cast.bob.deactivated_at is not None
    cast.dana.refresh_from_db()
    assert cast.dana.active  # another organization is never touched


BAD = (
    HEADER
    + (
        "E1,Erin Ek,erin@acme.test,Sales,,Lisbon,4,,2020-05-01,Europe/Lisbon,en,,true\n"
        "E2,Farid Faro,farid@acme.test,Sales,,Lisbon,2,NOPE,2026-10-01,Europe/Lisbon,en,,true\n"  # 3: manager
        "E3,Gia Gao,erin@acme.test,Sales,,Lisbon,2,E1,2026-10-01,Europe/Lisbon,en,,true\n"  # 4: duplicate email
        "E4,Hal Hu,hal@acme.test,Sales,,Lisbon,2,E1,2026-13-01,Europe/Lisbon,en,,true\n"  # 5: date
        "E5,Ida Iv,ida@acme.test,Sales,,Lisbon,2,E1,2026-10-01,Europe/Lisbbon,en,,true\n"  # 6: time zone
        "E6,Jo Ji,jo@acme.test,Sales,,Lisbon,2,E1,2026-10-01,Europe/Lisbon,en;;German,,true\n"  # 7: languages
    )
)


def test_a_file_with_five_kinds_of_bad_rows_reports_them_all_and_writes_nothing(
    cast, tmp_path, capsys
):
    before = Person.objects.count(), Department.objects.count(), Location.objects.count()
    path = write(tmp_path, BAD)
    with pytest.raises(CommandError, match="5 problem"):
        call_command("import_people", path, org="acme")
    err = capsys.readouterr().err
    assert f"{path}, row 3, column 'manager_id': unknown manager id 'NOPE'" in err
    assert (
        f"{path}, row 4, column 'email': duplicate e-mail 'erin@acme.test' (first used in row 2)"
        in err
    )
    assert f"{path}, row 5, column 'start_date': '2026-13-01' is not a date" in err
    assert f"{path}, row 6, column 'timezone': 'Europe/Lisbbon' is not a known time zone" in err
    assert f"{path}, row 7, column 'languages': empty entry in language list" in err
    assert (Person.objects.count(), Department.objects.count(), Location.objects.count()) == before


def test_a_failed_import_exits_non_zero_from_the_shell(tmp_path):
    """The real command line, in its own process and SQLite database."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "CROSSPATHS_VAR_DIR": str(tmp_path),
    }

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )

    assert manage("migrate", "-v0").returncode == 0
    create = "from crosspaths.people.models import Organization as O; O.objects.create(name='A', slug='acme')"
    assert manage("shell", "-c", create).returncode == 0
    result = manage("import_people", write(tmp_path, BAD), "--org", "acme")
    assert result.returncode == 1
    assert "row 7, column 'languages'" in result.stderr
    assert "5 problem(s) found; nothing was imported." in result.stderr
    count = "from crosspaths.people.models import Person; print(Person.objects.count())"
    assert manage("shell", "--no-imports", "-c", count).stdout.strip() == "0"


def test_an_email_owned_by_someone_else_in_the_database_is_refused(cast, tmp_path, capsys):
    text = HEADER + "Z9,Zed,bob@acme.test,,,,,,,,,,true\n"
    with pytest.raises(CommandError):
        call_command("import_people", write(tmp_path, text), org="acme")
    assert (
        "row 2, column 'email': 'bob@acme.test' already belongs to roster id 'B2'"
        in capsys.readouterr().err
    )


def test_an_unknown_organization_is_a_clear_error(cast, tmp_path):
    with pytest.raises(CommandError, match="No organization with the slug 'nope'"):
        call_command("import_people", write(tmp_path, GOOD), org="nope")


def test_a_missing_file_is_a_clear_error(cast, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_people", str(tmp_path / "missing.csv"), org="acme")


def test_the_file_may_start_with_a_byte_order_mark(cast, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    call_command("import_people", str(path), org="acme")
    assert Person.objects.filter(organization=cast.org, external_id="E2").exists()
