"""HR fills a program: enroll an audience after a preview, announce it by e-mail with a
one-click way out, and let an onboarding program take in new hires by itself."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from crosspaths import clock
from crosspaths.console.audiences import new_hires_enroll
from crosspaths.console.models import AuditLog
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.programs.models import Enrollment, Program

from ..cast import make_person


@pytest.fixture
def onboarding(cast):
    return Program.objects.create(
        organization=cast.org,
        name="Onboarding buddies",
        format=Program.Format.ONBOARDING,
        description="Meet a colleague from elsewhere in your first weeks.",
    )


def _enrolled(program) -> set[str]:
    return set(
        Enrollment.objects.filter(program=program, left_at__isnull=True).values_list(
            "person__email", flat=True
        )
    )


def _announcements() -> list[Message]:
    return list(Message.objects.filter(kind=Message.Kind.ANNOUNCEMENT).order_by("person_id"))


def test_the_preview_counts_a_department_and_changes_nothing(admin_client, cast, onboarding):
    response = admin_client.get(
        f"/console/programs/{onboarding.pk}/enroll/", {"department": cast.people_dept.pk}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 people would be enrolled" in body  # Alice and Bob, not Chidi (Engineering)
    assert "Alice Adler" in body and "Bob Brandt" in body and "Chidi" not in body
    assert _enrolled(onboarding) == set() and _announcements() == []


def test_confirming_enrolls_announces_and_records_in_one_go(admin_client, cast, onboarding):
    response = admin_client.post(
        f"/console/programs/{onboarding.pk}/enroll/",
        {"location": cast.munich.pk, "expected": "3"},
    )
    assert response.status_code == 302
    assert _enrolled(onboarding) == {"alice@acme.test", "bob@acme.test", "chidi@acme.test"}
    rows = _announcements()
    assert [m.person_id for m in rows] == sorted([cast.alice.pk, cast.bob.pk, cast.chidi.pk])
    assert {m.dedupe_key for m in rows} == {
        f"announcement:program{onboarding.pk}:{p.pk}" for p in (cast.alice, cast.bob, cast.chidi)
    }
    entry = AuditLog.objects.get(action="program.update")
    assert entry.actor == cast.alice and entry.target_id == str(onboarding.pk)
    assert "Enrolled 3 people in Onboarding buddies (location Munich)" in entry.summary
    # Again: nobody new, nobody announced twice.
    admin_client.post(f"/console/programs/{onboarding.pk}/enroll/", {"expected": "0"})
    assert len(_announcements()) == 3


def test_people_who_left_are_not_enrolled_again(admin_client, cast, onboarding):
    Enrollment.objects.create(
        organization=cast.org, program=onboarding, person=cast.bob, left_at=clock.now()
    )
    response = admin_client.get(f"/console/programs/{onboarding.pk}/enroll/")
    assert "2 people would be enrolled" in response.content.decode()
    assert "1 left the program earlier and is not enrolled again." in response.content.decode()
    admin_client.post(f"/console/programs/{onboarding.pk}/enroll/", {"expected": "2"})
    assert _enrolled(onboarding) == {"alice@acme.test", "chidi@acme.test"}
    assert Message.objects.filter(person=cast.bob).count() == 0


def test_a_roster_change_since_the_preview_asks_again(admin_client, cast, onboarding):
    response = admin_client.post(
        f"/console/programs/{onboarding.pk}/enroll/", {"expected": "2"}, follow=True
    )
    assert "The roster changed since the preview: 3 people would be enrolled, not 2." in (
        response.content.decode()
    )
    assert _enrolled(onboarding) == set() and _announcements() == []


def test_new_hires_by_start_date_range(admin_client, cast, onboarding):
    response = admin_client.get(
        f"/console/programs/{onboarding.pk}/enroll/",
        {"started_from": "2024-01-01", "started_until": "2024-12-31"},
    )
    assert "1 person would be enrolled" in response.content.decode()  # Bob, 2024-09-01
    bad = admin_client.get(
        f"/console/programs/{onboarding.pk}/enroll/",
        {"started_from": "2024-12-31", "started_until": "2024-01-01"},
    )
    assert bad.status_code == 400
    assert "The end of the range is before its start" in bad.content.decode()


def test_the_programs_own_audience_still_applies(admin_client, cast, onboarding):
    onboarding.audience = {"departments": [cast.engineering.pk]}
    onboarding.save()
    response = admin_client.get(f"/console/programs/{onboarding.pk}/enroll/")
    body = response.content.decode()
    assert "1 person would be enrolled" in body
    assert "2 are outside the program's own audience." in body


def test_participants_and_managers_of_other_programs_cannot_enroll(
    participant_client, cast, onboarding
):
    assert participant_client.get(f"/console/programs/{onboarding.pk}/enroll/").status_code in (
        403,
        404,
    )
    participant_client.post(f"/console/programs/{onboarding.pk}/enroll/", {"expected": "3"})
    assert _enrolled(onboarding) == set()


def test_manager_of_another_program_cannot_enroll(manager_client, onboarding):
    response = manager_client.post(f"/console/programs/{onboarding.pk}/enroll/", {"expected": "3"})
    assert response.status_code in (403, 404) and _enrolled(onboarding) == set()


@pytest.mark.parametrize(
    ("language", "title", "leave"),
    [
        ("en", "You are now part of Onboarding buddies", "Leave the program"),
        ("de", "Sie sind jetzt bei Onboarding buddies dabei", "Programm verlassen"),
    ],
)
def test_the_announcement_arrives_with_a_one_click_leave_link(
    admin_client, cast, onboarding, mailbox, language, title, leave
):
    cast.bob.language = language
    cast.bob.save()
    admin_client.post(
        f"/console/programs/{onboarding.pk}/enroll/",
        {"department": cast.people_dept.pk, "expected": "2"},
    )
    messages_deliver(message_ids=[m.pk for m in _announcements()])
    (mail,) = mailbox.to("bob@acme.test")
    assert mail["Subject"] == title
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Meet a colleague from elsewhere in your first weeks." in text
    assert f"{leave}: http://127.0.0.1:8000/mail/unsubscribe/" in text
    header = str(mail["List-Unsubscribe"]).strip()
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = header[1:-1].removeprefix("http://127.0.0.1:8000")
    assert header[1:-1] in text
    # A mail scanner's GET changes nothing; the provider's one-click POST takes Bob out.
    assert Client().get(path).status_code == 200
    assert "bob@acme.test" in _enrolled(onboarding)
    provider = Client(enforce_csrf_checks=True)
    assert provider.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _enrolled(onboarding) == {"alice@acme.test"}
    assert Enrollment.objects.get(program=onboarding, person=cast.bob).left_at is not None


def test_an_announcement_to_someone_who_left_meanwhile_is_not_sent(
    admin_client, cast, onboarding, mailbox
):
    admin_client.post(f"/console/programs/{onboarding.pk}/enroll/", {"expected": "3"})
    Enrollment.objects.filter(person=cast.chidi).update(left_at=clock.now())
    messages_deliver(message_ids=[m.pk for m in _announcements()])
    assert mailbox.to("chidi@acme.test") == []
    skipped = Message.objects.get(person=cast.chidi)
    assert skipped.status == "skipped" and "no longer in Onboarding buddies" in skipped.last_error


# --- new hires, automatically --------------------------------------------------------


def test_the_switch_is_for_onboarding_programs_and_recorded(admin_client, cast, onboarding):
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    admin_client.post(f"/console/programs/{coffee.pk}/auto-enroll/", {"on": "1"})
    coffee.refresh_from_db()
    assert coffee.auto_enroll_since is None
    admin_client.post(f"/console/programs/{onboarding.pk}/auto-enroll/", {"on": "1"})
    onboarding.refresh_from_db()
    assert onboarding.auto_enroll_since == clock.today()
    entry = AuditLog.objects.get(action="program.update")
    assert "automatically from 2026-11-26" in entry.summary
    admin_client.post(f"/console/programs/{onboarding.pk}/auto-enroll/", {"on": "0"})
    onboarding.refresh_from_db()
    assert onboarding.auto_enroll_since is None


def test_new_hires_are_enrolled_when_their_start_date_comes_once(cast, onboarding):
    onboarding.auto_enroll_since = date(2026, 11, 20)
    onboarding.save()
    today = clock.today()
    arrived = make_person(cast.org, "erin@acme.test", "Erin", start_date=today - timedelta(days=2))
    later = make_person(cast.org, "finn@acme.test", "Finn", start_date=today + timedelta(days=3))
    make_person(cast.org, "gus@acme.test", "Gus", start_date=date(2026, 11, 1))  # before
    make_person(cast.org, "hal@acme.test", "Hal", start_date=today, active=False)

    assert new_hires_enroll(now=clock.now()) == 1
    assert _enrolled(onboarding) == {"erin@acme.test"}
    assert [m.person_id for m in _announcements()] == [arrived.pk]
    assert new_hires_enroll(now=clock.now()) == 0  # safe to run twice
    entry = AuditLog.objects.get(action="program.update")
    assert entry.actor is None and "1 new hire" in entry.summary

    # Finn's first day comes.
    assert new_hires_enroll(now=clock.now() + timedelta(days=3)) == 1
    assert _enrolled(onboarding) == {"erin@acme.test", "finn@acme.test"}
    assert later.pk in [m.person_id for m in _announcements()]


def test_a_new_hire_who_left_is_not_taken_back(cast, onboarding):
    onboarding.auto_enroll_since = date(2026, 11, 20)
    onboarding.save()
    erin = make_person(cast.org, "erin@acme.test", "Erin", start_date=clock.today())
    new_hires_enroll(now=clock.now())
    Enrollment.objects.filter(person=erin).update(left_at=clock.now())
    assert new_hires_enroll(now=clock.now() + timedelta(days=1)) == 0
    assert _enrolled(onboarding) == set()


def test_the_daily_job_is_registered():
    from crosspaths.housekeeping.registry import daily_jobs

    assert daily_jobs()["new_hires_enroll"] is new_hires_enroll
