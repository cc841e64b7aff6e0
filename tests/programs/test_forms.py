"""Bad program settings are refused when saved, with a clear message where it belongs."""

from datetime import date

import pytest
from django.db import IntegrityError

from crosspaths.people.models import Organization
from crosspaths.programs.forms import ProgramForm
from crosspaths.programs.models import Program

VALID = {
    "name": "Virtual coffee",
    "format": "virtual_coffee",
    "cadence": "weekly",
    "weekday": "0",
    "time": "09:00",
    "starts_on": "2026-11-30",
    "group_size": "2",
    "cooldown_weeks": "12",
    "audience": "{}",
    "weights": "{}",
}


def form(org, **changes):
    return ProgramForm({**VALID, **changes}, instance=Program(organization=org))


def test_valid_settings_save(cast):
    f = form(cast.org)
    assert f.is_valid(), f.errors
    program = f.save()
    assert program.organization == cast.org and program.starts_on == date(2026, 11, 30)


def test_a_group_of_one_is_refused_next_to_the_field(cast):
    f = form(cast.org, group_size="1")
    assert not f.is_valid()
    assert f.errors["group_size"] == ["A group needs at least two people."]


def test_the_database_refuses_a_group_of_one_too(cast):
    with pytest.raises(IntegrityError):
        Program.objects.create(organization=cast.org, name="x", format="walk", group_size=1)


def test_an_organization_with_an_unknown_time_zone_cannot_schedule_programs(cast):
    Organization.objects.filter(pk=cast.org.pk).update(timezone="Europe/Atlantis")
    cast.org.refresh_from_db()
    f = form(cast.org)
    assert not f.is_valid()
    assert "The organization's time zone 'Europe/Atlantis' is unknown" in f.non_field_errors()[0]


def test_the_organizations_time_zone_is_checked_when_the_organization_is_saved(cast):
    from django.core.exceptions import ValidationError

    cast.org.timezone = "Europe/Atlantis"
    with pytest.raises(ValidationError) as e:
        cast.org.full_clean()
    assert "'Europe/Atlantis' is not a known time zone" in e.value.message_dict["timezone"][0]


def test_unknown_preferences_and_audience_filters_are_named(cast):
    f = form(
        cast.org, weights='{"diferent_department": 3, "never_met": -1}', audience='{"dept": [1]}'
    )
    assert not f.is_valid()
    assert f.errors["weights"][0].startswith("Unknown preference 'diferent_department'")
    assert f.errors["weights"][1] == "The preference 'never_met' must be a number of 0 or more."
    assert f.errors["audience"][0].startswith("Unknown audience filter 'dept'")


def test_the_django_admin_refuses_a_group_of_one_with_the_same_message(client, cast):
    from django.contrib.auth.models import User

    User.objects.create_superuser("op", "op@example.com", "pw")
    client.login(username="op", password="pw")
    data = {
        **VALID,
        "organization": cast.org.pk,
        "group_size": "1",
        "starts_on": "2026-11-30",
        "time": "09:00",
    }
    response = client.post("/admin/programs/program/add/", data)
    assert response.status_code == 200
    assert "A group needs at least two people." in response.content.decode()
    assert not Program.objects.exists()
