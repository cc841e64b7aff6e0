"""Drafts under control (issue 12, point 6): a preview replaces the open draft of its
date, a draft can be run again or discarded, a past date is refused before anything
is queued, and the overview tells the last published round from the next one."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from crosspaths.console import services
from crosspaths.console.models import AuditLog, RoundJob
from crosspaths.programs.models import Match, Program, Round
from crosspaths.programs.services import NobodyToMatch, round_discard, round_preview

from ..programs.crowd import crowd, enroll

ON = date(2026, 11, 30)  # the Monday after TEST_NOW (Thu 26 Nov 2026)


@pytest.fixture
def enrolled(cast, coffee):
    enroll(coffee, crowd(cast.org, 8))
    return coffee


def _run_jobs(callbacks) -> None:
    for callback in callbacks:
        callback()


def test_previewing_a_date_twice_leaves_one_draft_the_newest(cast, enrolled):
    first = round_preview(program=enrolled, on=ON)
    second = round_preview(program=enrolled, on=ON)
    assert list(Round.objects.filter(program=enrolled)) == [second]
    assert not Match.objects.filter(round_id=first.pk).exists()


def test_a_preview_never_replaces_a_published_round(cast, enrolled):
    from crosspaths.programs.services import RoundExists

    Round.objects.create(organization=cast.org, program=enrolled, date=ON, status="published")
    with pytest.raises(RoundExists):
        round_preview(program=enrolled, on=ON)
    assert Round.objects.get(program=enrolled).status == "published"


def test_a_preview_of_a_program_nobody_is_in_keeps_no_empty_draft(cast, coffee):
    with pytest.raises(NobodyToMatch) as refused:
        round_preview(program=coffee, on=ON)
    assert refused.value.code == "nobody"
    assert not Round.objects.filter(program=coffee).exists()


def test_a_preview_for_a_date_whose_window_is_over_is_refused(cast, enrolled):
    with pytest.raises(ValidationError) as refused:
        round_preview(program=enrolled, on=date(2026, 11, 9))
    assert refused.value.code == "past_date"


def test_the_console_refuses_a_past_date_at_once_and_queues_nothing(admin_client, enrolled):
    response = admin_client.post(
        f"/console/programs/{enrolled.pk}/rounds/new/", {"on": "2026-11-09"}, follow=True
    )
    assert "is in the past" in response.content.decode()
    assert not RoundJob.objects.exists() and not Round.objects.exists()


def test_previewing_a_date_with_a_draft_runs_a_job_that_replaces_it(
    admin_client, cast, enrolled, django_capture_on_commit_callbacks
):
    old = round_preview(program=enrolled, on=ON)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            f"/console/programs/{enrolled.pk}/rounds/new/", {"on": ON.isoformat()}
        )
    assert response["Location"].startswith("/console/jobs/")
    _run_jobs(callbacks)
    job = RoundJob.objects.get()
    (new,) = Round.objects.filter(program=enrolled)
    assert job.status == RoundJob.Status.DONE and job.round == new and new.pk != old.pk


def test_the_draft_page_offers_run_again_and_discard(admin_client, cast, enrolled):
    rnd = round_preview(program=enrolled, on=ON)
    body = admin_client.get(f"/console/rounds/{rnd.pk}/").content.decode()
    assert f'action="/console/rounds/{rnd.pk}/rerun/"' in body
    assert f'action="/console/rounds/{rnd.pk}/discard/"' in body


def test_run_again_goes_through_a_round_job_and_replaces_the_draft(
    admin_client, cast, enrolled, django_capture_on_commit_callbacks
):
    rnd = round_preview(program=enrolled, on=ON)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(f"/console/rounds/{rnd.pk}/rerun/")
    job = RoundJob.objects.get()
    assert response["Location"] == f"/console/jobs/{job.pk}/"
    assert job.kind == RoundJob.Kind.DRAFT and job.status == RoundJob.Status.QUEUED
    _run_jobs(callbacks)
    job.refresh_from_db()
    (new,) = Round.objects.filter(program=enrolled)
    assert new.pk != rnd.pk and job.round == new
    assert admin_client.get(response["Location"])["Location"] == f"/console/rounds/{new.pk}/"


def test_a_rerun_that_finds_nobody_fails_with_the_reason_and_keeps_no_draft(
    admin_client, cast, enrolled, django_capture_on_commit_callbacks
):
    rnd = round_preview(program=enrolled, on=ON)
    enrolled.enrollments.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(f"/console/rounds/{rnd.pk}/rerun/")
    _run_jobs(callbacks)
    job = RoundJob.objects.get()
    assert job.status == RoundJob.Status.FAILED and "Nobody takes part" in job.error
    assert job.round is None and not Round.objects.exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Nobody takes part" in page and f"/console/programs/{enrolled.pk}/" in page


def test_discarding_a_draft_deletes_it_with_its_groups_and_logs_it(admin_client, cast, enrolled):
    rnd = round_preview(program=enrolled, on=ON)
    response = admin_client.post(f"/console/rounds/{rnd.pk}/discard/")
    assert response["Location"] == f"/console/programs/{enrolled.pk}/"
    assert not Round.objects.exists() and not Match.objects.exists()
    entry = AuditLog.objects.get(details__discarded=True)
    assert entry.actor == cast.alice and "Discarded the draft" in entry.summary


def test_a_published_round_cannot_be_discarded_or_run_again(admin_client, published_round):
    assert admin_client.post(f"/console/rounds/{published_round.pk}/discard/").status_code == 302
    admin_client.post(f"/console/rounds/{published_round.pk}/rerun/")
    assert Round.objects.filter(pk=published_round.pk, status="published").exists()
    assert not RoundJob.objects.exists()
    with pytest.raises(ValidationError) as refused:
        round_discard(round=published_round)
    assert refused.value.code == "not_draft"


def test_discarding_twice_is_harmless(cast, enrolled):
    rnd = round_preview(program=enrolled, on=ON)
    assert services.round_discard_reviewed(actor=cast.alice, round=rnd)
    assert not services.round_discard_reviewed(actor=cast.alice, round=rnd)
    assert AuditLog.objects.filter(details__discarded=True).count() == 1


def test_a_manager_cannot_discard_a_draft_of_a_program_they_do_not_manage(
    manager_client, cast, enrolled
):
    lunch = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    enroll(lunch, crowd(cast.org, 4, prefix="luncher"))
    rnd = round_preview(program=lunch, on=ON)
    assert manager_client.post(f"/console/rounds/{rnd.pk}/discard/").status_code == 403
    assert manager_client.post(f"/console/rounds/{rnd.pk}/rerun/").status_code == 403
    assert Round.objects.filter(pk=rnd.pk).exists()


def test_the_overview_shows_the_last_published_round_and_the_next_scheduled_one(
    admin_client, cast, enrolled
):
    enrolled.weekday, enrolled.starts_on = 0, date(2026, 11, 2)
    enrolled.save()
    Round.objects.create(organization=cast.org, program=enrolled, date=date(2026, 11, 16))
    Round.objects.create(
        organization=cast.org, program=enrolled, date=date(2026, 11, 9), status="closed"
    )
    Round.objects.create(organization=cast.org, program=enrolled, date=ON)  # a future draft
    response = admin_client.get("/console/")
    (program,) = [p for p in response.context["programs"] if p.pk == enrolled.pk]
    assert program.last_published == date(2026, 11, 9)
    assert program.next_round == ON
    body = response.content.decode()
    assert "Last published round" in body and "Next round" in body
