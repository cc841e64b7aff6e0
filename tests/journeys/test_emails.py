"""The journey's e-mails as a real SMTP server receives them: the welcome (English and
German) and each week's introduction, the usual one with its calendar invitation."""

from __future__ import annotations

from crosspaths.journeys.models import Journey, JourneyStep
from crosspaths.journeys.services import welcome_key
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver

from .test_services import DAY_ONE, run_on


def body(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def test_the_welcome_says_what_the_weeks_hold_in_english(world, mailbox):
    run_on(DAY_ONE)
    journey = Journey.objects.get(person=world.nina)
    welcome = Message.objects.get(dedupe_key=welcome_key(journey.pk))
    messages_deliver(message_ids=[welcome.pk])
    (mail,) = mailbox.to(world.nina.email)
    assert mail["Subject"] == "Welcome to Acme: your onboarding journey"
    text = body(mail)
    assert "Hello Nina," in text
    assert "over your first 7 weeks" in text
    assert "every week for 6 weeks" in text
    assert "/journey/" in text


def test_the_welcome_is_in_german_for_a_german_reader(world, mailbox):
    world.nina.language = "de"
    world.nina.save()
    run_on(DAY_ONE)
    welcome = Message.objects.get(kind="journey")
    messages_deliver(message_ids=[welcome.pk])
    (mail,) = mailbox.to(world.nina.email)
    assert mail["Subject"] == "Willkommen bei Acme: Ihre Onboarding-Reise"
    assert "Hallo Nina," in body(mail)
    assert "Buddy" in body(mail)


def test_the_buddy_week_brings_both_an_introduction_with_an_invitation(world, mailbox):
    run_on(DAY_ONE)
    step = JourneyStep.objects.get(number=1)
    intros = Message.objects.filter(match=step.match, kind="intro")
    messages_deliver(message_ids=list(intros.values_list("pk", flat=True)))
    (to_nina,) = mailbox.to(world.nina.email)
    (to_buddy,) = mailbox.to(step.colleague.email)
    assert step.colleague.name in to_nina["Subject"]
    assert "Nina Neumann" in to_buddy["Subject"]
    kinds = {p.get_content_type() for p in to_nina.walk()}
    assert "text/calendar" in kinds
