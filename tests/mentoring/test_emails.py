"""The monthly mentoring nudge and the cycle's introduction, as a real SMTP server
receives them, in English and German."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from crosspaths.mentoring.models import MentoringSettings
from crosspaths.mentoring.services import cycle_start, cycles_run_due, mentoring_join
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(cast):
    program = Program.objects.create(
        organization=cast.org, name="Mentoring", format=Program.Format.MENTORING
    )
    MentoringSettings.objects.create(organization=cast.org, program=program, cycle_months=2)
    mentoring_join(person=cast.chidi, program=program, role="mentor")
    mentoring_join(person=cast.bob, program=program, role="mentee")
    return cycle_start(program=program, actor=cast.alice)


def _body(message) -> str:  # type: ignore[no-untyped-def]
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def _deliver(kind: str) -> None:
    """Deliver what was written (the nudges are due on their month's day; the clock here
    stays at the cycle's start)."""
    rows = Message.objects.filter(kind=kind)
    rows.update(next_attempt_at=timezone.now())
    ids = list(rows.values_list("pk", flat=True))
    assert messages_deliver(message_ids=ids).sent == len(ids)


def test_the_introduction_names_mentor_and_mentee_and_carries_an_invitation(cycle, cast, mailbox):
    _deliver(Message.Kind.INTRO)
    received = mailbox.wait_for(2)
    to_chidi = next(m for m in received if cast.chidi.email in str(m["To"]))
    assert "Bob" in str(to_chidi["Subject"])
    assert any(p.get_content_type() == "text/calendar" for p in to_chidi.walk())


def test_the_monthly_nudge_in_english(cycle, cast, mailbox):
    cycles_run_due(now=datetime(2026, 12, 26, 9, tzinfo=UTC))
    _deliver(Message.Kind.MENTORING)
    (mail,) = mailbox.wait_for(1)
    assert cast.bob.email in str(mail["To"])
    assert str(mail["Subject"]) == "Mentoring: month 1 with Chidi Okafor"
    body = _body(mail)
    assert "month 1 of 2 of your mentoring with Chidi Okafor has passed" in body
    assert f"/mentoring/{cycle.program_id}/" in body


def test_the_last_nudge_in_german(cycle, cast, mailbox):
    cast.bob.language = "de"
    cast.bob.save(update_fields=["language"])
    cycles_run_due(now=datetime(2027, 1, 26, 9, tzinfo=UTC))
    assert Message.objects.filter(kind=Message.Kind.MENTORING).count() == 2
    _deliver(Message.Kind.MENTORING)
    mails = mailbox.wait_for(2)
    subjects = sorted(str(m["Subject"]) for m in mails)
    assert subjects == [
        "Mentoring: Monat 1 mit Chidi Okafor",
        "Mentoring: Monat 2 mit Chidi Okafor",
    ]
    last = next(m for m in mails if "Monat 2" in str(m["Subject"]))
    assert "letzte Monat" in _body(last)
