"""The console at any size: previews and publications run as background tasks with a
progress page, and the round page is paginated and searchable with its figures on top,
and its hand-edit form names people by e-mail instead of listing everyone."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.console import services
from crosspaths.console.models import AuditLog, RoundJob
from crosspaths.programs.models import LeftOut, Match, MatchMember, Program, Round

from ..programs.crowd import crowd, enroll

ON = date(2026, 11, 30)


@pytest.fixture
def enrolled(cast, coffee):
    enroll(coffee, crowd(cast.org, 8))
    return coffee


def test_a_preview_is_queued_and_the_progress_page_polls_until_it_is_done(
    admin_client, cast, enrolled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            f"/console/programs/{enrolled.pk}/rounds/new/", {"on": ON.isoformat()}
        )
    job = RoundJob.objects.get(program=enrolled)
    # Nothing was matched inside the request: the task starts once the request commits.
    assert job.status == RoundJob.Status.QUEUED and not Round.objects.exists()
    progress = admin_client.get(response["Location"])
    body = progress.content.decode()
    assert progress.status_code == 200
    assert 'hx-trigger="every 2s"' in body and f'hx-get="/console/jobs/{job.pk}/"' in body
    assert "<script>" not in body  # the strict CSP allows no inline script
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    rnd = Round.objects.get(program=enrolled)
    assert job.status == RoundJob.Status.DONE and job.round == rnd and job.finished_at
    polled = admin_client.get(response["Location"], headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == f"/console/rounds/{rnd.pk}/"


def test_a_double_click_joins_the_open_preview_instead_of_starting_a_second(
    admin_client, enrolled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = admin_client.post(
            f"/console/programs/{enrolled.pk}/rounds/new/", {"on": ON.isoformat()}
        )
        second = admin_client.post(
            f"/console/programs/{enrolled.pk}/rounds/new/", {"on": ON.isoformat()}
        )
    assert first["Location"] == second["Location"]
    assert RoundJob.objects.count() == 1


def test_a_round_job_run_twice_drafts_once(cast, enrolled, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.round_job_request(
            actor=cast.alice, program=enrolled, on=ON, kind=RoundJob.Kind.DRAFT
        )
    assert services.round_job_run(job_id=job.pk) == RoundJob.Status.DONE
    assert services.round_job_run(job_id=job.pk) == RoundJob.Status.DONE
    assert Round.objects.filter(program=enrolled).count() == 1
    assert AuditLog.objects.filter(action="round.draft").count() == 1


def test_a_publication_refused_in_the_task_shows_its_reason_on_the_progress_page(
    admin_client, cast, enrolled, django_capture_on_commit_callbacks
):
    rnd = Round.objects.create(organization=cast.org, program=enrolled, date=ON)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(f"/console/rounds/{rnd.pk}/publish/")
    # Someone else published it between the click and the task.
    Round.objects.filter(pk=rnd.pk).update(status=Round.Status.PUBLISHED)
    for callback in callbacks:
        callback()
    job = RoundJob.objects.get(round=rnd)
    assert job.status == RoundJob.Status.FAILED and "cannot be published" in job.error
    page = admin_client.get(response["Location"])
    body = page.content.decode()
    assert "cannot be published" in body and "every 2s" not in body
    assert not AuditLog.objects.filter(action="round.publish").exists()


def test_another_organizations_job_is_not_found_and_other_programs_jobs_are_forbidden(
    admin_client, manager_client, cast, enrolled, django_capture_on_commit_callbacks
):
    lunch = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    other = Program.objects.create(organization=cast.other_org, name="Theirs", format="lunch")
    with django_capture_on_commit_callbacks(execute=False):
        theirs = services.round_job_request(
            actor=cast.dana, program=other, on=ON, kind=RoundJob.Kind.DRAFT
        )
        ours = services.round_job_request(
            actor=cast.alice, program=lunch, on=ON, kind=RoundJob.Kind.DRAFT
        )
    assert manager_client.get(f"/console/jobs/{theirs.pk}/").status_code == 404
    assert manager_client.get(f"/console/jobs/{ours.pk}/").status_code == 403


@pytest.fixture
def big_draft(cast, coffee):
    """A draft of 120 groups of two (240 people) and 130 left out."""
    people = crowd(cast.org, 370)
    rnd = Round.objects.create(organization=cast.org, program=coffee, date=ON)
    matches = Match.objects.bulk_create(
        [
            Match(organization=cast.org, round=rnd, organizer=people[2 * i], score=float(i))
            for i in range(120)
        ]
    )
    MatchMember.objects.bulk_create(
        [
            MatchMember(organization=cast.org, match=m, round=rnd, person=p)
            for i, m in enumerate(matches)
            for p in people[2 * i : 2 * i + 2]
        ]
    )
    LeftOut.objects.bulk_create(
        [
            LeftOut(organization=cast.org, round=rnd, person=p, code="odd_one_out")
            for p in people[240:]
        ]
    )
    return rnd, people


def test_the_round_page_shows_fifty_groups_a_page_with_figures_for_the_whole_round(
    admin_client, big_draft
):
    rnd, people = big_draft
    first = admin_client.get(f"/console/rounds/{rnd.pk}/")
    view = first.context["view"]
    assert [g.number for g in view.groups] == list(range(1, 51))
    assert view.metrics["groups"] == 120 and view.metrics["placed"] == 240
    assert view.metrics["left_out"] == 130 and view.metrics["mean_score"] == 59.5
    # crowd() cycles four departments: two neighbours always differ.
    assert view.metrics["cross_department_share"] == 1.0
    assert len(view.left_out) == 100
    last = admin_client.get(f"/console/rounds/{rnd.pk}/?page=3&left=2")
    view = last.context["view"]
    assert [g.number for g in view.groups] == list(range(101, 121))
    assert len(view.left_out) == 30
    first_left = {p.pk for p, _reason in first.context["view"].left_out}
    second_left = {p.pk for p, _reason in view.left_out}
    assert first_left | second_left == {p.pk for p in people[240:]}
    assert not first_left & second_left


def test_searching_the_round_finds_a_persons_group_by_name_email_or_department(
    admin_client, big_draft
):
    rnd, people = big_draft
    by_email = admin_client.get(f"/console/rounds/{rnd.pk}/", {"q": people[77].email})
    groups = by_email.context["view"].groups
    assert [g.number for g in groups] == [39]  # people 76 and 77 are group 39
    assert people[77] in groups[0].members
    by_department = admin_client.get(f"/console/rounds/{rnd.pk}/", {"q": "legal"})
    assert by_department.context["view"].page.paginator.count == 60
    nobody = admin_client.get(f"/console/rounds/{rnd.pk}/", {"q": "nobody-here"})
    assert nobody.context["view"].groups == []


def test_the_hand_edit_form_never_lists_the_rounds_people(admin_client, big_draft):
    rnd, people = big_draft
    body = admin_client.get(f"/console/rounds/{rnd.pk}/").content.decode()
    assert "<option" not in body.split('id="hand-edit"')[1].split("</form>")[0]
    # Someone on page 3 only appears there, not in a drop-down on page 1.
    assert people[239].email not in body


def test_a_hand_edit_names_people_and_groups_of_this_round_only(admin_client, cast, big_draft):
    rnd, people = big_draft
    unknown = admin_client.post(
        f"/console/rounds/{rnd.pk}/check/",
        {"person": "nobody@acme.test", "action": "move", "group": 121},
    )
    form = unknown.context["form"]
    assert "Nobody in this round has the e-mail address you gave." in form.errors["person"]
    assert "nobody@acme.test" not in unknown.content.decode()
    assert "This round has no group 121." in form.errors["group"]
    outsider = admin_client.post(
        f"/console/rounds/{rnd.pk}/edit/",
        {"person": people[300].email, "action": "swap", "other": cast.dana.email},
    )
    assert outsider.status_code == 400 and "other" in outsider.context["edit_form"].errors
    moved = admin_client.post(
        f"/console/rounds/{rnd.pk}/edit/",
        {"person": people[300].email, "action": "move", "group": 120},
    )
    assert moved.status_code == 302
    last = Match.objects.filter(round=rnd).order_by("-id").first()
    assert MatchMember.objects.filter(match=last, person=people[300]).exists()
    outlined = admin_client.get(moved["Location"])
    assert [g.number for g in outlined.context["view"].groups] == [120]


def test_a_drafts_pair_counts_are_stored_and_kept_current_by_hand_edits(
    admin_client, cast, enrolled, django_capture_on_commit_callbacks
):
    from crosspaths.console.selectors import round_pair_counts

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/console/programs/{enrolled.pk}/rounds/new/", {"on": ON.isoformat()})
    rnd = Round.objects.get(program=enrolled)
    assert rnd.metrics["pairs"] == round_pair_counts(rnd=rnd) == [4, 4, 0]
    first = Match.objects.filter(round=rnd).order_by("id")[0]
    a, partner = (mm.person for mm in MatchMember.objects.filter(match=first))
    # Swap a with the other person of partner's department: that puts two people of one
    # department together, so the cross-department count must drop.
    b = (
        MatchMember.objects.filter(round=rnd, person__department=partner.department)
        .exclude(person=partner)
        .get()
        .person
    )
    response = admin_client.post(
        f"/console/rounds/{rnd.pk}/edit/", {"person": a.email, "action": "swap", "other": b.email}
    )
    assert response.status_code == 302
    rnd.refresh_from_db()
    live = round_pair_counts(rnd=rnd)
    assert live[1] < 4 and rnd.metrics["pairs"] == live
    page = admin_client.get(f"/console/rounds/{rnd.pk}/")
    assert page.context["view"].metrics["cross_department_share"] == round(live[1] / 4, 3)
