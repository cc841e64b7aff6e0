"""Each daily job on its own: it removes exactly what has expired, and a second run
removes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from crosspaths import clock
from crosspaths.console.models import RosterUpload
from crosspaths.console.services import roster_uploads_forget
from crosspaths.housekeeping.jobs import sessions_forget_expired, task_results_forget
from crosspaths.people.models import SignInToken
from crosspaths.people.sign_in_links import (
    SPENT_TOKEN_KEEP,
    sign_in_token_create,
    sign_in_tokens_forget,
)

pytestmark = pytest.mark.django_db


def test_expired_sessions_are_removed_and_live_ones_kept():
    for expiry in (-60, 3600):
        store = SessionStore()
        store.set_expiry(expiry)
        store.create()
    assert sessions_forget_expired(now=clock.now()) == 1
    assert Session.objects.count() == 1
    assert sessions_forget_expired(now=clock.now()) == 0


def test_spent_and_long_expired_sign_in_links_are_removed(cast):
    now = clock.now()
    fresh, _ = sign_in_token_create(person=cast.bob)
    spent, _ = sign_in_token_create(person=cast.bob)
    expired, _ = sign_in_token_create(person=cast.chidi)
    just_used, _ = sign_in_token_create(person=cast.chidi)
    long_ago = now - SPENT_TOKEN_KEEP - timedelta(hours=1)
    SignInToken.objects.filter(pk=spent.pk).update(used_at=long_ago)
    SignInToken.objects.filter(pk=expired.pk).update(expires_at=long_ago)
    SignInToken.objects.filter(pk=just_used.pk).update(used_at=now - timedelta(hours=1))
    assert sign_in_tokens_forget(now=now) == 2
    assert set(SignInToken.objects.values_list("pk", flat=True)) == {fresh.pk, just_used.pk}
    assert sign_in_tokens_forget(now=now) == 0


def test_finished_task_results_older_than_two_weeks_are_removed():
    from django_tasks_db.models import DBTaskResult

    now = clock.now()

    def result(status, finished):
        return DBTaskResult.objects.create(
            status=status,
            finished_at=finished,
            args_kwargs={"args": [], "kwargs": {}},
            priority=0,
            task_path="crosspaths.console.tasks.invite_people",
            queue_name="default",
            backend_name="default",
            run_after=now - timedelta(days=30),
            return_value=None,
            exception_class_path="",
            traceback="",
        )

    old = now - timedelta(days=15)
    result("SUCCESSFUL", old)
    result("FAILED", old)
    recent = result("SUCCESSFUL", now - timedelta(days=2))
    waiting = result("READY", None)
    assert task_results_forget(now=now) == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert task_results_forget(now=now) == 0


def test_unapplied_roster_uploads_older_than_a_day_are_removed(cast):
    def upload(age, applied=False):
        up = RosterUpload.objects.create(
            organization=cast.org, file_name="r.csv", text="id\nA1\n", headers=["id"]
        )
        RosterUpload.objects.filter(pk=up.pk).update(
            created_at=timezone.now() - age, applied_at=timezone.now() if applied else None
        )
        return up

    upload(timedelta(days=2))
    kept = [upload(timedelta(hours=2)), upload(timedelta(days=2), applied=True)]
    other = RosterUpload.objects.create(organization=cast.other_org, file_name="g.csv")
    RosterUpload.objects.filter(pk=other.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert roster_uploads_forget(now=clock.now()) == 2
    assert set(RosterUpload.objects.values_list("pk", flat=True)) == {k.pk for k in kept}
    assert roster_uploads_forget(now=clock.now()) == 0
