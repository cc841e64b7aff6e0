"""The home page: the current match card, check-in, calendar, encounters."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import KeepInTouch
from crosspaths.programs.models import MatchMember, Round
from tests.itip import itip_event

from ..cast import PASSWORD
from .conftest import make_match, make_program


def sign_in(client, person):
    assert client.login(username=person.email, password=PASSWORD)


def test_signed_out_visitors_see_the_welcome_page(client, cast):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


def test_a_person_who_has_not_joined_yet_is_asked_to_finish_joining(client, cast):
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    assert "Finish joining" in body and 'href="/start/"' in body


def test_a_participant_sees_who_they_meet_and_why(client, onboarded):
    cast = onboarded
    cast.chidi.title = "Site Reliability Engineer"
    cast.chidi.save()
    make_match([cast.chidi, cast.bob], start=timezone.now() + timedelta(days=2))
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    assert "You meet Chidi Okafor" in body
    assert "Engineering" in body and "Munich" in body and "Site Reliability Engineer" in body
    assert "You work in different departments: Engineering and People." in body
    assert "You are meeting for the first time." in body
    assert "You both like chess: how did you get into it?" in body
    assert "Chidi Okafor organizes this meeting" in body
    assert "https://meet.jit.si/crosspaths-test-room" in body
    # Bob's own card never lists Bob as someone to meet.
    assert f'id="companion-{cast.bob.pk}"' not in body


def test_a_draft_round_is_not_shown_to_participants(client, onboarded):
    make_match([onboarded.bob, onboarded.chidi], status=Round.Status.DRAFT)
    sign_in(client, onboarded.bob)
    body = client.get("/").content.decode()
    assert "Chidi" not in body and "No match yet" in body


def test_an_unknown_reason_code_falls_back_to_the_engines_sentence(client, onboarded):
    reasons = [{"code": "brand_new_rule", "text": "both like long walks", "params": {}}]
    make_match([onboarded.bob, onboarded.chidi], reasons=reasons)
    sign_in(client, onboarded.bob)
    assert "Both like long walks" in client.get("/").content.decode()


def test_reasons_with_unexpected_parameters_fall_back_too(client, onboarded):
    reasons = [{"code": "different_departments", "text": "mixed teams", "params": {}}]
    make_match([onboarded.bob, onboarded.chidi], reasons=reasons)
    sign_in(client, onboarded.bob)
    assert "Mixed teams" in client.get("/").content.decode()


def test_virtual_matches_show_the_other_persons_local_time_and_the_slot_in_both_zones(
    client, onboarded
):
    cast = onboarded
    cast.chidi.timezone = "America/New_York"
    cast.chidi.save()
    start = datetime(2026, 12, 1, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    make_match([cast.bob, cast.chidi], start=start)
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    assert "Their local time" in body and "America/New_York" in body
    assert "3 p.m.–3:30 p.m." in body  # noqa: RUF001 - Bob's time (Berlin is UTC+1 in December)
    assert "That is 9 a.m. for Chidi Okafor (America/New_York)." in body


def test_in_person_formats_show_no_local_time_and_no_video_link(client, onboarded):
    cast = onboarded
    lunch = make_program(cast.org, name="Lunch", format="lunch")
    make_match([cast.bob, cast.chidi], program=lunch, start=timezone.now() + timedelta(days=1))
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    assert "Their local time" not in body and "Join the video call" not in body


def test_calendar_links_carry_the_slot_in_utc(client, onboarded):
    start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    make_match([onboarded.bob, onboarded.chidi], start=start)
    sign_in(client, onboarded.bob)
    body = client.get("/").content.decode()
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in body
    assert "dates=20261201T140000Z%2F20261201T143000Z" in body
    assert "outlook.office.com/calendar/0/deeplink/compose" in body
    assert "startdt=2026-12-01T14%3A00%3A00Z" in body


def test_the_ics_download_is_a_copy_of_the_event_naming_everyone_in_the_group(client, onboarded):
    match = make_match([onboarded.bob, onboarded.chidi], start=timezone.now() + timedelta(days=1))
    sign_in(client, onboarded.bob)
    response = client.get(f"/matches/{match.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = itip_event(response.content, method="PUBLISH", now=timezone.now())
    description = str(event["description"])
    assert "Chidi Okafor <chidi@acme.test>" in description
    assert "Bob Brandt <bob@acme.test>" in description


def test_nobody_downloads_the_calendar_of_a_match_they_are_not_in(client, onboarded):
    match = make_match([onboarded.bob, onboarded.chidi], start=timezone.now())
    sign_in(client, onboarded.alice)
    assert client.get(f"/matches/{match.pk}/calendar.ics").status_code == 404


def test_nobody_downloads_the_calendar_of_a_draft(client, onboarded):
    match = make_match([onboarded.bob, onboarded.chidi], start=timezone.now(), status="draft")
    sign_in(client, onboarded.bob)
    assert client.get(f"/matches/{match.pk}/calendar.ics").status_code == 404


def test_check_in_buttons_appear_only_once_the_meeting_began(client, onboarded):
    match = make_match([onboarded.bob, onboarded.chidi], start=timezone.now() + timedelta(hours=2))
    sign_in(client, onboarded.bob)
    assert "Did you meet?" not in client.get("/").content.decode()
    match.suggested_start = timezone.now() - timedelta(minutes=40)
    match.suggested_end = timezone.now() - timedelta(minutes=10)
    match.save()
    assert "Did you meet?" in client.get("/").content.decode()


def test_a_participant_checks_in_with_a_rating_and_can_change_their_answer(client, onboarded):
    match = make_match([onboarded.bob, onboarded.chidi], start=timezone.now() - timedelta(hours=1))
    sign_in(client, onboarded.bob)
    response = client.post(f"/matches/{match.pk}/check-in/", {"met": "yes", "rating": "5"})
    assert response.status_code == 302
    checkin = CheckIn.objects.get(member__person=onboarded.bob)
    assert checkin.met is True and checkin.rating == 5
    body = client.get("/").content.decode()
    assert "You said you met" in body
    client.post(f"/matches/{match.pk}/check-in/", {"met": "no"})
    checkin.refresh_from_db()
    assert checkin.met is False and checkin.rating is None
    assert CheckIn.objects.count() == 1


def test_a_participant_cannot_check_in_for_someone_elses_match(client, onboarded):
    match = make_match([onboarded.alice, onboarded.chidi], start=timezone.now())
    sign_in(client, onboarded.bob)
    response = client.post(f"/matches/{match.pk}/check-in/", {"met": "yes"})
    assert response.status_code == 404 and CheckIn.objects.count() == 0


def test_a_nonsense_check_in_answer_is_refused_politely(client, onboarded):
    match = make_match([onboarded.bob, onboarded.chidi], start=timezone.now())
    sign_in(client, onboarded.bob)
    response = client.post(f"/matches/{match.pk}/check-in/", {"met": "maybe"}, follow=True)
    assert response.status_code == 200 and "Choose whether you met." in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_encounters_list_the_people_met_and_the_departments_reached(client, onboarded):
    cast = onboarded
    program = make_program(cast.org)
    match = make_match(
        [cast.bob, cast.chidi], program=program, on=date(2026, 10, 5), start=timezone.now()
    )
    member = MatchMember.objects.get(match=match, person=cast.bob)
    CheckIn.objects.create(organization=cast.org, member=member, met=True)
    # A match Bob said did not happen is not an encounter.
    other = make_match([cast.bob, cast.alice], program=program, on=date(2026, 10, 12))
    CheckIn.objects.create(
        organization=cast.org,
        member=MatchMember.objects.get(match=other, person=cast.bob),
        met=False,
    )
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    encounters = body[body.index('id="encounters"') :]
    assert "Chidi Okafor" in encounters and "Alice Adler" not in encounters
    assert "Other departments reached: 1 of 1" in encounters


def test_keep_in_touch_toggles_with_htmx_and_without(client, onboarded):
    sign_in(client, onboarded.bob)
    url = f"/people/{onboarded.chidi.pk}/keep-in-touch/"
    response = client.post(url, {"keep": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    assert KeepInTouch.objects.filter(person=onboarded.bob, other=onboarded.chidi).exists()
    response = client.post(url, {"keep": "0"})
    assert response.status_code == 302
    assert not KeepInTouch.objects.exists()


def test_keep_in_touch_marks_stay_inside_the_organization(client, onboarded):
    sign_in(client, onboarded.bob)
    response = client.post(f"/people/{onboarded.dana.pk}/keep-in-touch/", {"keep": "1"})
    assert response.status_code == 404 and not KeepInTouch.objects.exists()


def test_the_home_page_speaks_german_to_a_german_person(client, onboarded):
    onboarded.bob.language = "de"
    onboarded.bob.save()
    make_match([onboarded.bob, onboarded.chidi], start=timezone.now() + timedelta(days=1))
    sign_in(client, onboarded.bob)
    body = client.get("/").content.decode()
    assert 'lang="de"' in body
    assert "Sie arbeiten in verschiedenen Abteilungen: Engineering und People." in body
    assert "Meine Begegnungen" in body


@pytest.mark.parametrize("met_before", [0, 12])
def test_the_home_page_makes_a_bounded_number_of_queries(
    client, onboarded, django_assert_max_num_queries, met_before
):
    cast = onboarded
    program = make_program(cast.org)
    for week in range(met_before):
        match = make_match(
            [cast.bob, cast.chidi if week % 2 else cast.alice],
            program=program,
            on=date(2026, 1, 5) + timedelta(weeks=week),
            start=timezone.now() - timedelta(weeks=week + 1),
        )
        CheckIn.objects.create(
            organization=cast.org,
            member=MatchMember.objects.get(match=match, person=cast.bob),
            met=True,
        )
    make_match([cast.bob, cast.chidi], program=program, start=timezone.now())
    sign_in(client, cast.bob)
    # 13: one of them looks for an onboarding journey under way (its card).
    with django_assert_max_num_queries(13):
        assert client.get("/").status_code == 200


def test_the_calendar_download_makes_a_bounded_number_of_queries(
    client, onboarded, django_assert_max_num_queries
):
    match = make_match(
        [onboarded.bob, onboarded.chidi, onboarded.alice], start=timezone.now() + timedelta(days=1)
    )
    sign_in(client, onboarded.bob)
    with django_assert_max_num_queries(8):
        assert client.get(f"/matches/{match.pk}/calendar.ics").status_code == 200


def test_the_e_mails_link_opens_the_match_card(client, onboarded):
    match = make_match([onboarded.bob, onboarded.chidi], start=timezone.now() + timedelta(days=1))
    path = f"/matches/{match.pk}/"
    assert client.get(path).status_code == 302  # to the sign-in, which comes back here
    sign_in(client, onboarded.bob)
    response = client.get(path)  # the match page: the card and what one can do there
    assert response.status_code == 200 and f'id="match-{match.pk}"' in response.content.decode()
    assert f'id="match-{match.pk}"' in client.get("/").content.decode()
    sign_in(client, onboarded.alice)
    assert client.get(path).status_code == 404
