"""The person's own answers: interests, free windows, languages, private lists."""

import pytest
from django.core.exceptions import ValidationError

from crosspaths.people.models import BlockedPair, KeepInTouch
from crosspaths.people.preferences import (
    Preferences,
    availability_clean,
    availability_from_day_parts,
    colleague_search,
    day_parts_from_availability,
    interest_suggestions,
    interests_clean,
    person_block,
    person_keep_in_touch,
    person_preferences_update,
    person_profile_update,
    timezone_names,
)


def test_interests_are_trimmed_lower_cased_and_deduplicated_in_order():
    assert interests_clean([" Board   Games", "chess", "CHESS", ""]) == ["board games", "chess"]


def test_too_many_or_too_long_interests_are_errors_not_cuts():
    with pytest.raises(ValidationError, match="at most 20"):
        interests_clean([f"tag {n}" for n in range(21)])
    with pytest.raises(ValidationError, match="too long"):
        interests_clean(["x" * 41])


def test_free_windows_merge_when_they_touch_or_overlap():
    windows = [
        {"weekday": 2, "start": "14:00", "end": "17:00"},
        {"weekday": 2, "start": "09:00", "end": "12:00"},
        {"weekday": 2, "start": "11:00", "end": "14:00"},
        {"weekday": 0, "start": "08:00", "end": "09:00"},
    ]
    assert availability_clean(windows) == [
        {"weekday": 0, "start": "08:00", "end": "09:00"},
        {"weekday": 2, "start": "09:00", "end": "17:00"},
    ]


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"weekday": 7, "start": "09:00", "end": "10:00"}, "weekday 0–6"),  # noqa: RUF001
        ({"weekday": 1, "start": "9:00", "end": "10:00"}, "HH:MM"),
        ({"weekday": 1, "start": "11:00", "end": "10:00"}, "ends before it starts"),
        ({"start": "11:00"}, "needs a weekday"),
    ],
)
def test_a_bad_free_window_says_which_and_why(window, message):
    with pytest.raises(ValidationError, match=message):
        availability_clean([{"weekday": 0, "start": "09:00", "end": "10:00"}, window])


def test_day_parts_and_windows_round_trip():
    parts = {(0, "morning"), (0, "lunch"), (4, "afternoon")}
    windows = availability_from_day_parts(parts)
    assert windows == [
        {"weekday": 0, "start": "09:00", "end": "14:00"},
        {"weekday": 4, "start": "14:00", "end": "17:00"},
    ]
    assert day_parts_from_availability(windows) == parts


def test_the_time_zone_list_has_cities_not_legacy_aliases():
    names = timezone_names()
    assert "Europe/Berlin" in names and "UTC" in names
    assert "US/Eastern" not in names and not any(n.startswith("Etc/") for n in names)


def test_preferences_need_a_language(cast):
    with pytest.raises(ValidationError) as error:
        person_preferences_update(
            person=cast.bob,
            preferences=Preferences(languages=[], timezone="UTC", interests=[], availability=[]),
        )
    assert "languages" in error.value.error_dict


def test_synced_people_keep_hrs_fields(cast):
    cast.bob.roster_synced = True
    with pytest.raises(ValidationError, match="come from HR"):
        person_profile_update(
            person=cast.bob, department=cast.engineering, team=None, location=None, title="x"
        )


def test_suggestions_rank_colleagues_interests_and_skip_the_persons_own(cast):
    from ..cast import make_person

    for n in range(3):
        make_person(cast.org, f"j{n}@acme.test", f"J{n}", login=False, interests=["Jazz", "chess"])
    make_person(cast.other_org, "x@globex.test", "X", login=False, interests=["secret"] * 1)
    assert interest_suggestions(person=cast.bob) == ["jazz"]
    assert interest_suggestions(person=cast.alice)[:2] == ["chess", "jazz"]


def test_colleague_search_matches_names_and_email_starts_within_the_organization(cast):
    assert [p.name for p in colleague_search(person=cast.bob, query="okafor chidi")] == [
        "Chidi Okafor"
    ]
    assert [p.name for p in colleague_search(person=cast.bob, query="alice@")] == ["Alice Adler"]
    assert colleague_search(person=cast.bob, query="dana") == []
    assert colleague_search(person=cast.bob, query="bob") == []


def test_blocking_is_idempotent_and_never_oneself_or_across_organizations(cast):
    person_block(person=cast.bob, other=cast.chidi)
    person_block(person=cast.bob, other=cast.chidi)
    assert BlockedPair.objects.count() == 1
    for other in (cast.bob, cast.dana):
        with pytest.raises(ValidationError):
            person_block(person=cast.bob, other=other)


def test_keep_in_touch_marks_turn_on_and_off(cast):
    assert person_keep_in_touch(person=cast.bob, other=cast.chidi, keep=True) is True
    person_keep_in_touch(person=cast.bob, other=cast.chidi, keep=True)
    assert KeepInTouch.objects.count() == 1
    person_keep_in_touch(person=cast.bob, other=cast.chidi, keep=False)
    assert not KeepInTouch.objects.exists()
