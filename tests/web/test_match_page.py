"""Organizers and members can act (issue 12, point 3): on the match page the group's
organizer confirms the slot or moves it (a suggested free time or one they type) and
everyone gets an updated invitation; a member says "I can't make it" and the group is
told (a pair gets a stand-in from the left-out list, or the one left is told they wait);
the card shows everyone's e-mail, a reply-all link and calendar links with guests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from crosspaths.meetings.models import Withdrawal
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver, outbox_write_round
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Program
from tests.itip import imip_calendar, itip_event

from ..cast import PASSWORD, make_person
from .conftest import make_match, make_program

# TEST_NOW: Thursday 26 Nov 2026, 08:00 UTC. The round of Monday 23 Nov runs until the
# next Monday (30 Nov, 00:00 Berlin).
ROUND = date(2026, 11, 23)
SLOT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # Friday 11:00 in Berlin


def sign_in(client, person):
    assert client.login(username=person.email, password=PASSWORD)


@pytest.fixture
def coffee(onboarded):
    program = make_program(onboarded.org, weekday=0, time=time(9), starts_on=date(2026, 11, 2))
    for person in (onboarded.alice, onboarded.bob, onboarded.chidi):
        Enrollment.objects.create(organization=onboarded.org, program=program, person=person)
    return program


@pytest.fixture
def pair(onboarded, coffee):
    """Chidi (organizer) meets Bob; the round is published and its messages written."""
    match = make_match([onboarded.chidi, onboarded.bob], program=coffee, on=ROUND, start=SLOT)
    outbox_write_round(round=match.round, now=timezone.now())
    Message.objects.filter(kind="intro").update(status="sent")
    return match


def _ids(kind):
    return list(Message.objects.filter(kind=kind, status="queued").values_list("pk", flat=True))


def test_the_card_shows_everyones_e_mail_a_reply_all_link_and_calendar_guests(
    client, onboarded, coffee
):
    cast = onboarded
    make_match([cast.chidi, cast.bob, cast.alice], program=coffee, on=ROUND, start=SLOT)
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    assert 'href="mailto:chidi@acme.test"' in body and 'href="mailto:alice@acme.test"' in body
    assert 'href="mailto:chidi@acme.test,alice@acme.test?subject=' in body
    card = client.get("/").context["programs_now"][0].card
    google = parse_qs(urlparse(card.google_url).query)
    outlook = parse_qs(urlparse(card.outlook_url).query)
    assert google["add"] == ["chidi@acme.test,alice@acme.test"]
    assert outlook["to"] == ["chidi@acme.test,alice@acme.test"]


def test_the_organizer_sees_confirm_and_a_few_free_times_in_the_rounds_window(
    client, onboarded, pair
):
    sign_in(client, onboarded.chidi)
    response = client.get(f"/matches/{pair.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'action="/matches/{pair.pk}/confirm/"' in body
    assert f'action="/matches/{pair.pk}/propose/"' in body
    choices = [value for value, _label in response.context["form"].fields["slot"].choices]
    starts = [datetime.fromisoformat(v) for v in choices]
    assert starts and all(
        timezone.now() < s < datetime(2026, 11, 29, 23, tzinfo=UTC) for s in starts
    )
    assert SLOT not in starts  # the current time is not offered again
    assert len({s.date() for s in starts}) == len(starts)  # one per day


def test_a_member_who_does_not_organize_cannot_confirm_or_move_the_time(client, onboarded, pair):
    sign_in(client, onboarded.bob)
    body = client.get(f"/matches/{pair.pk}/").content.decode()
    assert "/propose/" not in body and "/confirm/" not in body
    assert f'action="/matches/{pair.pk}/withdraw/"' in body
    client.post(f"/matches/{pair.pk}/confirm/")
    response = client.post(f"/matches/{pair.pk}/propose/", {"day": "2026-11-27", "at": "14:00"})
    pair.refresh_from_db()
    assert response.status_code == 400 and "Only the group" in response.content.decode()
    assert pair.confirmed_at is None and pair.suggested_start == SLOT


def test_confirming_shows_the_time_as_confirmed_to_everyone(client, onboarded, pair):
    sign_in(client, onboarded.chidi)
    client.post(f"/matches/{pair.pk}/confirm/")
    pair.refresh_from_db()
    assert pair.confirmed_by == onboarded.chidi and pair.confirmed_at is not None
    client.logout()
    sign_in(client, onboarded.bob)
    assert "Chidi Okafor confirmed this time." in client.get("/").content.decode()


def test_a_new_time_reaches_every_member_as_an_update_of_the_same_event(
    client, onboarded, pair, mailbox
):
    sign_in(client, onboarded.chidi)
    page = client.get(f"/matches/{pair.pk}/")
    chosen = page.context["form"].fields["slot"].choices[0][0]
    response = client.post(f"/matches/{pair.pk}/propose/", {"slot": chosen})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.suggested_start == datetime.fromisoformat(chosen) and pair.sequence == 1
    assert pair.confirmed_by == onboarded.chidi
    messages_deliver(message_ids=_ids("reschedule"))
    received = [m for m in mailbox.messages if str(m["X-Crosspaths-Message"]).startswith("resch")]
    assert {str(m["To"]).split("<")[-1].rstrip(">") for m in received} == {
        "bob@acme.test",
        "chidi@acme.test",
    }
    for mail in received:
        _method, data = imip_calendar(mail)
        event = itip_event(data, method="REQUEST", now=timezone.now())
        assert int(event["SEQUENCE"]) == 1
        assert str(event["UID"]).startswith(f"crosspaths-match-{pair.pk}@")
        assert event.decoded("DTSTART") == datetime.fromisoformat(chosen)


def test_a_typed_time_is_read_in_the_organizers_zone(client, onboarded, pair):
    sign_in(client, onboarded.chidi)
    response = client.post(f"/matches/{pair.pk}/propose/", {"day": "2026-11-27", "at": "15:30"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.suggested_start == datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
    assert pair.suggested_end == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "at", "says"),
    [
        ("2026-11-26", "09:30", "at least 2 hours from now"),
        ("2026-11-20", "10:00", "at least 2 hours from now"),
        ("2026-11-30", "10:00", "before this round ends"),
        ("", "10:00", "give a day and a time"),
    ],
)
def test_a_new_time_outside_the_rounds_window_is_refused(client, onboarded, pair, day, at, says):
    sign_in(client, onboarded.chidi)
    response = client.post(f"/matches/{pair.pk}/propose/", {"day": day, "at": at})
    assert response.status_code == 400 and says in response.content.decode()
    pair.refresh_from_db()
    assert pair.suggested_start == SLOT and pair.sequence == 0
    assert not Message.objects.filter(kind="reschedule").exists()


def test_someone_else_s_match_page_and_actions_are_not_found(client, onboarded, pair):
    sign_in(client, onboarded.alice)
    assert client.get(f"/matches/{pair.pk}/").status_code == 404
    for action in ("confirm", "propose", "withdraw"):
        assert client.post(f"/matches/{pair.pk}/{action}/").status_code == 404
    assert MatchMember.objects.filter(match=pair).count() == 2


def test_a_member_of_a_group_of_three_drops_out_and_the_others_are_told(
    client, onboarded, coffee, mailbox
):
    cast = onboarded
    match = make_match([cast.chidi, cast.bob, cast.alice], program=coffee, on=ROUND, start=SLOT)
    outbox_write_round(round=match.round, now=timezone.now())
    sign_in(client, cast.bob)
    response = client.post(f"/matches/{match.pk}/withdraw/")
    assert response["Location"] == "/"
    assert set(match.members.values_list("person_id", flat=True)) == {cast.chidi.pk, cast.alice.pk}
    assert LeftOut.objects.get(person=cast.bob).code == "withdrew"
    # Bob's reminder and check-in are not sent (only the cancel of his invitation is
    # waiting); the others keep theirs.
    assert set(
        Message.objects.filter(person=cast.bob, status="queued").values_list("kind", flat=True)
    ) == {"group_change"}
    assert Message.objects.filter(person=cast.alice, kind="checkin", status="queued").exists()
    messages_deliver(message_ids=_ids("group_change"))
    received = [
        m
        for m in mailbox.messages
        if str(m["X-Crosspaths-Message"]).startswith("group") and "bob" not in str(m["To"])
    ]
    assert len(received) == 2
    for mail in received:
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert "Bob Brandt cannot make it this round." in text
        _method, data = imip_calendar(mail)
        event = itip_event(data, method="REQUEST", now=timezone.now())
        assert int(event["SEQUENCE"]) == 1
        attendees = {str(a).removeprefix("mailto:") for a in event.get("ATTENDEE")}
        assert attendees == {"chidi@acme.test", "alice@acme.test"}


def test_a_pair_gets_a_stand_in_from_the_left_out_list(client, onboarded, coffee, pair):
    cast = onboarded
    zoe = make_person(cast.org, "zoe@acme.test", "Zoe Zander", languages=["en", "de"])
    Enrollment.objects.create(organization=cast.org, program=coffee, person=zoe)
    LeftOut.objects.create(
        organization=cast.org, round=pair.round, person=zoe, code="odd_one_out", reason="odd"
    )
    sign_in(client, cast.chidi)  # the organizer drops out: Bob organizes now
    client.post(f"/matches/{pair.pk}/withdraw/")
    pair.refresh_from_db()
    assert set(pair.members.values_list("person_id", flat=True)) == {cast.bob.pk, zoe.pk}
    assert pair.organizer_id in {cast.bob.pk, zoe.pk}
    assert not LeftOut.objects.filter(person=zoe).exists()
    assert Withdrawal.objects.get(match=pair).replaced_by == zoe
    assert Message.objects.filter(kind="intro", person=zoe, status="queued").exists()
    assert Message.objects.filter(kind="checkin", person=zoe).exists()
    (change,) = Message.objects.filter(kind="group_change").exclude(person=cast.chidi)
    assert change.person == cast.bob
    from crosspaths.notify.content import message_content

    cast.bob.language = "en"
    cast.bob.save()
    change.person.refresh_from_db()
    text = " ".join(message_content(change).paragraphs)
    assert "Chidi Okafor cannot make it" in text and "Zoe Zander joins you instead" in text


def test_a_pair_without_a_stand_in_leaves_the_other_told_they_wait(client, onboarded, pair):
    cast = onboarded
    sign_in(client, cast.bob)
    client.post(f"/matches/{pair.pk}/withdraw/")
    assert not MatchMember.objects.filter(match=pair).exists()
    assert LeftOut.objects.get(person=cast.chidi).code == "partner_withdrew"
    (notice,) = Message.objects.filter(kind="left_out")
    assert notice.person == cast.chidi
    assert not Message.objects.filter(person=cast.chidi, kind="checkin", status="queued").exists()
    from crosspaths.notify.content import message_content

    text = " ".join(message_content(notice).paragraphs)
    assert "your partner cannot make it" in text and "Nov. 30, 2026" in text


def test_a_stand_in_who_would_break_a_rule_is_not_taken(client, onboarded, coffee, pair):
    cast = onboarded
    zoe = make_person(cast.org, "zoe@acme.test", "Zoe Zander", languages=["fr"])
    Enrollment.objects.create(organization=cast.org, program=coffee, person=zoe)
    LeftOut.objects.create(
        organization=cast.org, round=pair.round, person=zoe, code="odd_one_out", reason="odd"
    )
    sign_in(client, cast.chidi)
    client.post(f"/matches/{pair.pk}/withdraw/")
    assert LeftOut.objects.get(person=zoe).code == "odd_one_out"  # Bob speaks no French
    assert LeftOut.objects.get(person=cast.bob).code == "partner_withdrew"


def test_a_closed_round_offers_no_actions(client, onboarded, pair):
    pair.round.status = "closed"
    pair.round.save()
    sign_in(client, onboarded.chidi)
    body = client.get(f"/matches/{pair.pk}/").content.decode()
    assert "/withdraw/" not in body and "/propose/" not in body
    client.post(f"/matches/{pair.pk}/withdraw/")
    assert MatchMember.objects.filter(match=pair).count() == 2


def test_a_withdrawal_is_scoped_to_the_program_it_belongs_to(onboarded, coffee, pair):
    assert Match.objects.filter(round__program=coffee).count() == 1
    assert Program.objects.filter(pk=coffee.pk, organization=onboarded.org).exists()


@pytest.mark.parametrize("group", ["three", "pair"])
def test_the_member_who_drops_out_gets_a_cancel_for_their_copy_of_the_invitation(
    client, onboarded, coffee, mailbox, group
):
    cast = onboarded
    people = [cast.chidi, cast.bob, cast.alice] if group == "three" else [cast.chidi, cast.bob]
    match = make_match(people, program=coffee, on=ROUND, start=SLOT)
    outbox_write_round(round=match.round, now=timezone.now())
    messages_deliver(message_ids=_ids("intro"))
    (intro,) = [m for m in mailbox.messages if "bob@acme.test" in str(m["To"])]
    first = itip_event(imip_calendar(intro)[1], method="REQUEST", now=timezone.now())
    sign_in(client, cast.bob)
    client.post(f"/matches/{match.pk}/withdraw/")
    messages_deliver(message_ids=_ids("group_change"))
    (mail,) = [
        m
        for m in mailbox.messages
        if "bob@acme.test" in str(m["To"]) and str(m["X-Crosspaths-Message"]).startswith("group")
    ]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "You said you cannot make it this round" in text
    assert "removed from your calendar" in text and "Your next round is on" in text
    method, data = imip_calendar(mail)
    assert method == "CANCEL"
    event = itip_event(
        data,
        method="CANCEL",
        now=timezone.now(),
        attendees={"bob@acme.test"},  # only the one removed (RFC 5546 §3.2.5)
        organizer="crosspaths@localhost",
    )
    assert str(event["UID"]) == str(first["UID"])
    assert int(event["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_partner_left_alone_gets_a_cancel_with_their_left_out_notice(
    client, onboarded, pair, mailbox
):
    cast = onboarded
    sign_in(client, cast.bob)
    client.post(f"/matches/{pair.pk}/withdraw/")
    messages_deliver(message_ids=_ids("left_out"))
    (mail,) = mailbox.to("chidi@acme.test")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "your partner cannot make it" in text
    assert "The meeting is removed from your calendar." in text
    method, data = imip_calendar(mail)
    assert method == "CANCEL"
    event = itip_event(
        data,
        method="CANCEL",
        now=timezone.now(),
        attendees={"chidi@acme.test"},
        organizer="crosspaths@localhost",
    )
    assert int(event["SEQUENCE"]) == 1
