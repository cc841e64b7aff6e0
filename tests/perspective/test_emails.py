"""What a real SMTP server receives: the ask with its one-click links (English and
German), the session's introduction, and "did it help?" after the session."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crosspaths import clock
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.perspective.models import Ask
from crosspaths.perspective.services import ask_answer, request_create

pytestmark = pytest.mark.django_db


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def deliver(kind):
    ids = list(Message.objects.filter(kind=kind, status="queued").values_list("pk", flat=True))
    return messages_deliver(message_ids=ids)


def link(text, label):
    line = next(line for line in text.splitlines() if line.startswith(label + ":"))
    return line.split(": ", 1)[1].strip()


@pytest.fixture
def request_to_chidi(givers):
    return request_create(
        requester=givers.cast.bob,
        topic="A chess club for new hires",
        details="Would people outside People & Culture join?",
        tags=["chess"],
        people_wanted=1,
        needed_by=date(2026, 12, 11),
    )


def test_the_ask_says_who_on_what_why_you_and_has_two_links(request_to_chidi, mailbox, client):
    (ask,) = request_to_chidi.asks.all()
    assert deliver("ask").sent == 1
    (mail,) = mailbox.messages
    reader = ask.person
    assert reader.email in mail["To"]
    assert mail["Subject"] == "Bob asks for your outside perspective"
    text, html = text_of(mail), html_of(mail)
    assert "Bob Brandt (People) would like an outside perspective" in text
    assert "“A chess club for new hires”" in text
    assert "Would people outside People & Culture join?" in text
    assert "We thought of you because of your interests: chess." in text
    assert "It takes 45 minutes by video with Bob, before Dec. 11, 2026." in text
    assert "nobody is told who declined" in text
    assert "Yes, I&#x27;ll give my view" in html or "Yes, I'll give my view" in html
    yes = link(text, "Yes, I'll give my view")
    assert "/perspective/a/" in yes and yes.endswith("/yes/")
    # The link page confirms with a POST (mail scanners only GET): GET changes nothing.
    path = yes.split("127.0.0.1:8000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    ask.refresh_from_db()
    assert ask.status == "asked"
    assert client.post(path).status_code == 302
    ask.refresh_from_db()
    assert ask.status == "accepted"
    assert "Thank you!" in client.get(path).content.decode()


def test_the_ask_is_in_the_readers_language(givers, mailbox):
    givers.cast.chidi.language = "de"
    givers.cast.chidi.save()
    for p in (givers.eve, givers.gina):
        p.giver.active = False
        p.giver.save()
    request_create(
        requester=givers.cast.bob,
        topic="Schachclub",
        tags=["chess"],
        people_wanted=1,
        needed_by=date(2026, 12, 11),
    )
    deliver("ask")
    (mail,) = mailbox.messages
    assert mail["Subject"] == "Bob bittet um Ihren Blick von außen"
    text = text_of(mail)
    assert "Ja, ich gebe meine Sicht" in text
    assert "Diesmal nicht" in text


def test_the_session_introduction_and_did_it_help_reach_everyone(
    request_to_chidi, mailbox, client, time_machine
):
    ask = request_to_chidi.asks.get()
    ask_answer(ask=ask, accept=True)
    assert deliver("intro").sent == 2
    intro = mailbox.to(ask.person.email)[0]
    text = text_of(intro)
    assert intro["Subject"] == "Outside perspective: you meet Bob Brandt"
    assert "you meet Bob Brandt for an outside perspective." in text
    assert "A chess club for new hires" in text  # the topic, as why you meet
    assert "Duration: 45 minutes" in text
    assert "https://meet.jit.si/crosspaths-" in text
    request_to_chidi.refresh_from_db()
    follow_up = Message.objects.get(kind="follow_up")
    assert deliver("follow_up").sent == 0  # not before the session
    time_machine.move_to(follow_up.next_attempt_at + timedelta(minutes=1))
    assert clock.now() > request_to_chidi.match.suggested_end
    assert deliver("follow_up").sent == 1
    mail = mailbox.to("bob@acme.test")[-1]
    assert mail["Subject"] == "Did the outside perspective help?"
    helped = link(text_of(mail), "Yes, it helped").split("127.0.0.1:8000", 1)[1]
    assert client.post(helped).status_code == 302
    request_to_chidi.refresh_from_db()
    assert request_to_chidi.helped is True


def test_a_follow_up_already_answered_on_the_page_is_not_sent(request_to_chidi, time_machine):
    from crosspaths.perspective.services import request_feedback

    ask_answer(ask=request_to_chidi.asks.get(), accept=True)
    request_to_chidi.refresh_from_db()
    request_feedback(request=request_to_chidi, helped=False)
    follow_up = Message.objects.get(kind="follow_up")
    time_machine.move_to(follow_up.next_attempt_at + timedelta(minutes=1))
    report = deliver("follow_up")
    assert report.skipped == 1 and report.sent == 0


def test_a_forged_or_foreign_link_gets_the_friendly_invalid_page(request_to_chidi, client):
    ask = request_to_chidi.asks.get()
    response = client.get(f"/perspective/a/forged-{ask.pk}/yes/")
    assert response.status_code == 400
    ask.refresh_from_db()
    assert ask.status == Ask.Status.ASKED


def test_the_requester_hears_when_nobody_could_take_it(givers, mailbox):
    request = request_create(
        requester=givers.cast.bob,
        topic="Brand colours",
        tags=["design"],
        people_wanted=1,
        needed_by=date(2026, 12, 11),
    )
    for _ in range(2):  # Eve and Gina, the only ones who fit, say no
        ask_answer(ask=request.asks.get(status="asked"), accept=False)
    request.refresh_from_db()
    assert request.status == "unfilled"
    assert deliver("follow_up").sent == 1
    (mail,) = mailbox.to("bob@acme.test")
    assert mail["Subject"] == "Nobody could take your request this time"
    text = text_of(mail)
    assert "we asked every colleague who fits “Brand colours”" in text
    assert "Ask again: http://127.0.0.1:8000/perspective/new/" in text
