"""The time-zone picker: common zones first, grouped by area, searchable by the place's
name, no deprecated aliases, labels in the reader's language; on the preferences page
and in the admin's organization, location and person forms."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.test import Client
from django.utils import translation

from crosspaths.people.models import Location
from crosspaths.people.preferences import COMMON_ZONES, timezone_choices, timezone_names

from ..cast import PASSWORD


def test_no_deprecated_alias_is_offered_and_every_name_is_known():
    names = set(timezone_names())
    for alias in ("Europe/Kiev", "Asia/Calcutta", "Asia/Saigon", "US/Eastern", "Etc/GMT+5"):
        assert alias not in names
    for current in ("Europe/Kyiv", "Asia/Kolkata", "Asia/Ho_Chi_Minh", "Europe/Amsterdam"):
        assert current in names
    assert names <= available_timezones()
    assert 300 < len(names) < len(available_timezones())


def test_common_zones_come_first_and_the_organizations_own_zones_lead(db):
    groups = timezone_choices(first=["Asia/Kathmandu"])
    label, common = groups[0]
    assert str(label) == "Common"
    values = [z for z, _ in common]
    assert values[0] == "Asia/Kathmandu" and set(COMMON_ZONES) <= set(values)
    # Each zone once: the common ones are not repeated in their area.
    everything = [z for _, zones in groups for z, _ in zones]
    assert len(everything) == len(set(everything)) == len(timezone_names())


def test_labels_start_with_the_place_and_say_the_offset_of_the_day(db):
    # The frozen clock says 26 November: Berlin is UTC+1, Kathmandu UTC+5:45.
    labels = {z: text for _, zones in timezone_choices() for z, text in zones}
    assert labels["Europe/Berlin"] == "Berlin, Europe (UTC+1)"
    assert labels["Asia/Kathmandu"] == "Kathmandu (UTC+5:45)"
    assert labels["America/Argentina/Buenos_Aires"] == "Argentina, Buenos Aires (UTC-3)"


def test_the_area_names_are_translated():
    with translation.override("de"):
        names = [str(label) for label, _ in timezone_choices()]
    assert names[0] == "Häufig" and "Europa" in names and "Indischer Ozean" in names


def test_a_stored_alias_stays_selectable():
    groups = timezone_choices(current="Europe/Kiev")
    assert groups[0] == ("Europe/Kiev", "Europe/Kiev")


def test_the_preferences_page_uses_the_grouped_picker(client, cast):
    Location.objects.filter(pk=cast.munich.pk).update(timezone="Europe/Berlin")
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/preferences/").content.decode()
    assert '<optgroup label="Common">' in body and '<optgroup label="Europe">' in body
    assert "Europe/Kiev" not in body and "US/Eastern" not in body
    assert '<option value="Europe/Berlin" selected>Berlin, Europe (UTC+1)</option>' in body


def test_the_admins_location_form_uses_the_picker(cast):
    from django.contrib.auth.models import User

    User.objects.create_superuser("root", "root@example.test", PASSWORD)
    client = Client()
    client.login(username="root", password=PASSWORD)
    body = client.get(f"/admin/people/location/{cast.munich.pk}/change/").content.decode()
    assert '<optgroup label="Common">' in body and "Europe/Kiev" not in body
