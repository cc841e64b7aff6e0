"""``manage.py crosspaths_scheduler --once``: one pass of the loop."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.programs.models import Match, Round

from .crowd import coffee, crowd, enroll

MONDAY_NINE_BERLIN = "2026-11-30T09:00:00+01:00"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("crosspaths_scheduler", "--once", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def program(cast):
    p = coffee(cast.org)
    enroll(p, [cast.alice, cast.chidi, *crowd(cast.org, 6)])
    return p


@pytest.mark.django_db(transaction=True)
def test_a_due_round_is_drafted_published_and_introduced_in_one_pass(program, mailoutbox):
    out, err = run("--now", MONDAY_NINE_BERLIN)
    rnd = Round.objects.get()
    assert f"round {rnd.pk} Virtual coffee · 2026-11-30: published" in out
    assert rnd.status == "published"
    intros = Message.objects.filter(kind="intro")
    assert intros.count() == 8
    # The immediate task backend delivered them when the publishing transaction committed.
    assert set(intros.values_list("status", flat=True)) == {"sent"}
    assert len(mailoutbox) == 8
    assert err == ""


def test_a_second_pass_makes_no_second_round(program):
    run("--now", MONDAY_NINE_BERLIN)
    out, _ = run("--now", "2026-11-30T09:01:00+01:00")
    assert Round.objects.count() == 1
    assert "round" not in out


def test_before_its_time_nothing_happens(program):
    run("--now", "2026-11-30T08:59:00+01:00")
    assert not Round.objects.exists()


def test_a_program_that_wants_review_waits_as_a_draft(program):
    program.requires_review = True
    program.save()
    out, _ = run("--now", MONDAY_NINE_BERLIN)
    assert "draft, waiting for review" in out
    assert Round.objects.get().status == "draft"
    assert not Message.objects.exists()


def test_a_broken_program_is_reported_and_the_others_still_run(cast, program):
    from crosspaths.people.models import Organization

    broken = Organization.objects.create(name="Broken", slug="broken")
    Organization.objects.filter(pk=broken.pk).update(timezone="Mars/Olympus")
    coffee(broken, name="Broken coffee")
    _, err = run("--now", MONDAY_NINE_BERLIN)
    assert "Broken coffee: the organization's time zone 'Mars/Olympus' is unknown" in err
    assert Round.objects.get().program == program


@pytest.mark.django_db(transaction=True)
def test_due_reminders_are_handed_to_workers_and_rounds_close_on_time(
    program, mailoutbox, time_machine
):
    run("--now", MONDAY_NINE_BERLIN)
    mailoutbox.clear()
    time_machine.move_to("2026-11-30T09:30:00+01:00")  # the next pass reads the clock
    Message.objects.filter(kind="reminder").update(
        next_attempt_at=timezone.now() - timedelta(minutes=1), lease_until=None
    )
    reminders = Message.objects.filter(kind="reminder").count()
    out, _ = run()
    assert f"{reminders} messages handed to workers" in out
    reminder_mails = [m for m in mailoutbox if m.subject.startswith("Reminder")]
    assert len(reminder_mails) == reminders
    # The round went out at the frozen clock's Thursday 26 Nov: two working days later
    # the organizers who did not confirm are nudged by the same pass, and nobody else.
    others = [m for m in mailoutbox if m not in reminder_mails]
    assert all("please confirm the time" in m.subject for m in others)
    assert len(others) == Match.objects.filter(round__program=program).count()
    out, _ = run("--now", "2026-12-07T09:00:00+01:00")
    assert "closed" in out
    assert Round.objects.get(date="2026-11-30").status == "closed"


def test_a_moment_without_an_offset_is_refused():
    with pytest.raises(CommandError, match="offset"):
        call_command("crosspaths_scheduler", "--once", "--now", "2026-11-30T09:00")


@pytest.mark.django_db(transaction=True)
def test_a_draft_left_by_a_killed_scheduler_is_published_by_the_next_pass(
    program, mailoutbox, monkeypatch
):
    """Regression (fault tests, docs/operations.md): a scheduler SIGKILLed after its
    draft committed and before publishing, or whose publishing transaction the database
    rolled back, left the round a draft for good: the next pass saw the round and moved
    on. Now the next pass publishes it, once."""
    from crosspaths.programs import services

    def killed(*, round):
        raise SystemExit("killed between draft and publish")

    monkeypatch.setattr(services, "round_publish", killed)
    with pytest.raises(SystemExit):
        run("--now", MONDAY_NINE_BERLIN)
    monkeypatch.undo()
    rnd = Round.objects.get()
    assert rnd.status == "draft" and not Message.objects.exists()

    out, _ = run("--now", "2026-11-30T09:00:05+01:00")
    rnd.refresh_from_db()
    assert rnd.status == "published"
    assert f"round {rnd.pk} Virtual coffee · 2026-11-30: published (a draft left" in out
    assert Round.objects.count() == 1
    assert Message.objects.filter(kind="intro", status="sent").count() == 8
    assert len(mailoutbox) == 8
    out, _ = run("--now", "2026-11-30T09:00:10+01:00")  # a third pass: nothing more
    assert "round" not in out and len(mailoutbox) == 8


def test_a_draft_of_a_program_that_wants_review_stays_a_draft_on_later_passes(program):
    program.requires_review = True
    program.save()
    run("--now", MONDAY_NINE_BERLIN)
    run("--now", "2026-11-30T09:00:05+01:00")
    assert Round.objects.get().status == "draft"
