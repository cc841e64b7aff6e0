"""Inviting people from the console: whom, in the background, never twice, logged.

The invitation e-mail itself is the participant app's ``person_invite`` (branch
``participant``); until it is merged, the tests that send real e-mail skip and the
others record the calls the console makes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crosspaths.console.models import AuditLog
from crosspaths.onboarding import invitations
from crosspaths.onboarding.invitations import people_invite_run
from crosspaths.people.models import Person

from ..cast import make_person


class Recorder:
    def __init__(self, fail_for=()):
        self.calls = []
        self.fail_for = set(fail_for)

    def __call__(self, *, person, invited_by=None, requested_at=None):
        if person.email in self.fail_for:
            raise ConnectionRefusedError("smtp down")
        self.calls.append((person.email, invited_by))
        Person.objects.filter(pk=person.pk).update(invited_at=timezone.now())
        return object()  # what the real one returns when it sent: the token


@pytest.fixture
def newcomers(cast):
    return [make_person(cast.org, f"new{i}@acme.test", f"New {i}", login=False) for i in range(3)]


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(invitations, "person_invite", rec)
    return rec


def test_inviting_the_ticked_people_logs_and_sends_after_commit(
    admin_client, cast, newcomers, recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/console/people/invite/",
            {"person": [newcomers[0].pk, newcomers[1].pk, cast.bob.pk]},
        )
    assert response.status_code == 302
    # Bob has an account already: not invited.
    assert sorted(email for email, _ in recorder.calls) == ["new0@acme.test", "new1@acme.test"]
    assert all(by == cast.alice for _, by in recorder.calls)
    entry = AuditLog.objects.get(action="people.invite")
    assert entry.summary == "Invited 2 people" and entry.details["count"] == 2


def test_inviting_everyone_never_invited(
    admin_client, cast, newcomers, recorder, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=newcomers[2].pk).update(invited_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/console/people/invite/", {"everyone": "on"})
    assert sorted(e for e, _ in recorder.calls) == ["new0@acme.test", "new1@acme.test"]


def test_nothing_is_sent_before_the_request_commits(
    admin_client, cast, newcomers, recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post("/console/people/invite/", {"person": [newcomers[0].pk]})
    assert recorder.calls == [] and len(callbacks) == 1


def test_running_the_task_twice_sends_each_invitation_once(cast, newcomers, recorder):
    ids = [p.pk for p in newcomers]
    asked = timezone.now() - timedelta(seconds=1)
    first = people_invite_run(
        organization_id=cast.org.pk,
        person_ids=ids,
        invited_by_id=cast.alice.pk,
        requested_at=asked,
        invite=recorder,
    )
    second = people_invite_run(
        organization_id=cast.org.pk,
        person_ids=ids,
        invited_by_id=cast.alice.pk,
        requested_at=asked,
        invite=recorder,
    )
    assert first == {"sent": 3, "failed": 0, "skipped": 0}
    assert second == {"sent": 0, "failed": 0, "skipped": 3}
    assert len(recorder.calls) == 3


def test_one_failed_email_does_not_stop_the_others(cast, newcomers):
    rec = Recorder(fail_for={"new1@acme.test"})
    result = people_invite_run(
        organization_id=cast.org.pk,
        person_ids=[p.pk for p in newcomers],
        invited_by_id=None,
        requested_at=timezone.now(),
        invite=rec,
    )
    assert result == {"sent": 2, "failed": 1, "skipped": 0}
    assert Person.objects.get(email="new1@acme.test").invited_at is None


def test_the_task_never_invites_someone_of_another_organization(cast, recorder):
    people_invite_run(
        organization_id=cast.org.pk,
        person_ids=[cast.dana.pk],
        invited_by_id=cast.alice.pk,
        requested_at=timezone.now(),
        invite=recorder,
    )
    assert recorder.calls == []


def test_ticking_nobody_is_explained(admin_client, cast):
    response = admin_client.post("/console/people/invite/", {}, follow=True)
    assert "Tick the people to invite first." in response.content.decode()
    assert not AuditLog.objects.exists()


def test_program_managers_cannot_invite(manager_client, cast, newcomers):
    response = manager_client.post("/console/people/invite/", {"everyone": "on"})
    assert response.status_code == 403 and not AuditLog.objects.exists()


def test_the_real_invitation_reaches_a_real_smtp_server(
    admin_client, cast, newcomers, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/console/people/invite/", {"person": [newcomers[0].pk]})
    [message] = mailbox.wait_for(1)
    assert "new0@acme.test" in str(message["To"])
    assert Person.objects.get(pk=newcomers[0].pk).invited_at is not None
