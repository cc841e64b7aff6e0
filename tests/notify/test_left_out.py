"""Left-out people are told (issue 12, point 7): publishing a round writes a notice to
everyone it left out, saying why and when their next round is, and they go first then;
admins see the list with the reasons on the round page."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from crosspaths.notify.content import left_out_key, message_content
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.programs.engine_input import waited_rounds
from crosspaths.programs.models import LeftOut, Match, MatchMember, Program, Round
from crosspaths.programs.services import round_publish

from ..cast import PASSWORD

ON = date(2026, 11, 30)  # a Monday; the program runs weekly on Mondays


@pytest.fixture
def draft(cast):
    """A weekly coffee drafted for 30 Nov: Chidi meets Alice, Bob is the odd one out."""
    cast.bob.language = "de"
    cast.bob.save()
    program = Program.objects.create(
        organization=cast.org,
        name="Virtual coffee",
        format="virtual_coffee",
        weekday=0,
        time=time(9),
        starts_on=date(2026, 11, 2),
    )
    rnd = Round.objects.create(organization=cast.org, program=program, date=ON)
    match = Match.objects.create(organization=cast.org, round=rnd, organizer=cast.chidi)
    for p in (cast.chidi, cast.alice):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=p)
    LeftOut.objects.create(
        organization=cast.org,
        round=rnd,
        person=cast.bob,
        code="odd_one_out",
        reason="odd one out: every possible partner was needed in another pair",
    )
    return rnd


def test_publishing_writes_one_notice_per_person_left_out(cast, draft):
    round_publish(round=draft)
    (notice,) = Message.objects.filter(kind=Message.Kind.LEFT_OUT)
    assert notice.person == cast.bob and notice.match is None
    assert notice.dedupe_key == left_out_key(draft.pk, cast.bob.pk)
    assert not Message.objects.filter(kind=Message.Kind.INTRO, person=cast.bob).exists()


def test_the_notice_says_why_and_when_the_next_round_is_in_the_readers_language(
    cast, draft, mailbox
):
    round_publish(round=draft)
    report = messages_deliver(
        message_ids=list(
            Message.objects.filter(kind=Message.Kind.LEFT_OUT).values_list("pk", flat=True)
        )
    )
    assert report.sent == 1
    (mail,) = mailbox.to("bob@acme.test")
    assert mail["Subject"] == "Virtual coffee: diesmal keine Gruppe für Sie"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "ungerade Zahl" in text  # odd number of people
    assert "7. Dezember 2026" in text  # the next Monday's round
    assert "als Erste" in text  # priority next round


def test_the_english_notice(cast, draft):
    cast.bob.language = "en"
    cast.bob.save()
    round_publish(round=draft)
    content = message_content(Message.objects.get(kind=Message.Kind.LEFT_OUT))
    text = " ".join(content.paragraphs)
    assert content.title == "Virtual coffee: no group for you this round"
    assert "an odd number of people took part" in text
    assert "Your next round is on Dec. 7, 2026" in text and "among the first" in text


def test_a_notice_for_someone_placed_after_all_is_skipped(cast, draft, mailbox):
    round_publish(round=draft)
    LeftOut.objects.filter(person=cast.bob).delete()
    notice = Message.objects.get(kind=Message.Kind.LEFT_OUT)
    report = messages_deliver(message_ids=[notice.pk])
    notice.refresh_from_db()
    assert report.skipped == 1 and notice.status == Message.Status.SKIPPED
    assert not mailbox.to("bob@acme.test")


def test_the_person_left_out_goes_first_next_round(cast, draft):
    round_publish(round=draft)
    program = draft.program
    waited = waited_rounds(
        program,
        on=ON + timedelta(days=7),
        joined={p.pk: date(2026, 8, 1) for p in (cast.bob, cast.chidi)},
        cap=8,
    )
    assert waited.get(cast.bob.pk, 0) >= 1 and waited.get(cast.chidi.pk, 0) == 0


def test_admins_see_who_was_left_out_and_why_on_the_round_page(client, cast, draft):
    round_publish(round=draft)
    client.login(username="alice@acme.test", password=PASSWORD)
    body = client.get(f"/console/rounds/{draft.pk}/").content.decode()
    assert "Left out, and why" in body and "Bob Brandt" in body
    assert "every possible partner was needed in another pair" in body
    assert "was told why, and when their next round is" in body
