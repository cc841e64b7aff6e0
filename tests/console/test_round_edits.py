"""Previewing a round, changing it by hand with a live rule check, and publishing it,
all logged."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.console.models import AuditLog, RoundJob
from crosspaths.people.models import BlockedPair
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Program, Round

from ..programs.crowd import crowd

ON = date(2026, 11, 30)


@pytest.fixture
def draft(cast, coffee):
    """A hand-made draft of the coffee program: [Alice, Xena] [Chidi, Yuri], Bob left out."""
    xena, yuri = crowd(cast.org, 2)
    rnd = Round.objects.create(organization=cast.org, program=coffee, date=ON)
    groups = []
    for people in ([cast.alice, xena], [cast.chidi, yuri]):
        m = Match.objects.create(organization=cast.org, round=rnd, organizer=people[0])
        for p in people:
            MatchMember.objects.create(organization=cast.org, match=m, round=rnd, person=p)
        groups.append(m)
    LeftOut.objects.create(organization=cast.org, round=rnd, person=cast.bob, code="odd_one_out")
    return rnd, groups, xena, yuri


def members(match):
    return set(MatchMember.objects.filter(match=match).values_list("person_id", flat=True))


def test_previewing_runs_the_engine_and_opens_the_draft(
    admin_client, cast, coffee, django_capture_on_commit_callbacks
):
    people = crowd(cast.org, 8)
    Enrollment.objects.bulk_create(
        [Enrollment(organization=cast.org, program=coffee, person=p) for p in people]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/console/programs/{coffee.pk}/rounds/new/", {"on": "2026-11-30"}
        )
    job = RoundJob.objects.get(program=coffee)
    assert response["Location"] == f"/console/jobs/{job.pk}/"
    rnd = Round.objects.get(program=coffee)
    assert job.status == RoundJob.Status.DONE and job.round == rnd and job.actor == cast.alice
    progress = admin_client.get(response["Location"])
    assert progress["Location"] == f"/console/rounds/{rnd.pk}/"
    assert rnd.status == Round.Status.DRAFT and rnd.date == ON
    page = admin_client.get(progress["Location"])
    assert page.context["view"].metrics["placed"] == 8
    assert page.context["edit_form"] is not None
    body = page.content.decode()
    assert "Group 4" in body and "Publish this round" in body
    entry = AuditLog.objects.get(action="round.draft")
    assert entry.target_id == str(rnd.pk) and entry.details["metrics"]["placed"] == 8


def test_previewing_a_date_that_has_a_published_round_opens_that_round(admin_client, cast, draft):
    rnd, *_ = draft
    Round.objects.filter(pk=rnd.pk).update(status=Round.Status.PUBLISHED)
    response = admin_client.post(
        f"/console/programs/{rnd.program_id}/rounds/new/", {"on": ON.isoformat()}
    )
    assert response["Location"] == f"/console/rounds/{rnd.pk}/"
    assert Round.objects.filter(program=rnd.program).count() == 1


def test_the_live_check_says_which_rule_a_swap_would_break(admin_client, cast, draft):
    rnd, (first, _second), xena, yuri = draft
    # Swapping Bob (left out) with Xena puts Bob with Alice, his manager.
    response = admin_client.post(
        f"/console/rounds/{rnd.pk}/check/",
        {"person": cast.bob.email, "action": "swap", "other": xena.email},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Refused" in body and "Alice Adler is Bob Brandt&#x27;s manager" in body
    assert "<html" not in body  # a fragment for htmx
    assert members(first) == {cast.alice.pk, xena.pk}  # the check changed nothing
    ok = admin_client.post(
        f"/console/rounds/{rnd.pk}/check/",
        {"person": cast.bob.email, "action": "swap", "other": yuri.email},
    )
    assert "This change keeps every rule." in ok.content.decode()
    assert not AuditLog.objects.exists()


def test_a_refused_swap_is_not_made_and_says_why(admin_client, cast, draft):
    rnd, (first, _), xena, _ = draft
    response = admin_client.post(
        f"/console/rounds/{rnd.pk}/edit/",
        {"person": cast.bob.email, "action": "swap", "other": xena.email},
    )
    assert response.status_code == 400
    assert "Alice Adler is Bob Brandt&#x27;s manager" in response.content.decode()
    assert members(first) == {cast.alice.pk, xena.pk}
    assert LeftOut.objects.filter(round=rnd, person=cast.bob).exists()
    assert not AuditLog.objects.exists()


def test_a_swap_is_made_logged_and_the_changed_groups_outlined(admin_client, cast, draft):
    rnd, (first, second), xena, yuri = draft
    response = admin_client.post(
        f"/console/rounds/{rnd.pk}/edit/",
        {"person": xena.email, "action": "swap", "other": yuri.email},
    )
    assert response.status_code == 302
    assert members(first) == {cast.alice.pk, yuri.pk}
    assert members(second) == {cast.chidi.pk, xena.pk}
    changed = response["Location"].split("changed=")[1].split("#")[0]
    assert changed == f"{first.pk}%2C{second.pk}"
    entry = AuditLog.objects.get(action="round.swap")
    assert entry.actor == cast.alice and "Colleague 0" in entry.summary
    assert entry.details == {"kind": "swap", "person": xena.pk, "other": yuri.pk, "match": None}


def test_moving_someone_left_out_into_a_group_and_taking_someone_out(admin_client, cast, draft):
    rnd, (_first, second), _xena, yuri = draft
    admin_client.post(
        f"/console/rounds/{rnd.pk}/edit/", {"person": cast.bob.email, "action": "move", "group": 2}
    )
    assert members(second) == {cast.chidi.pk, yuri.pk, cast.bob.pk}
    admin_client.post(f"/console/rounds/{rnd.pk}/edit/", {"person": yuri.email, "action": "out"})
    assert members(second) == {cast.chidi.pk, cast.bob.pk}
    assert LeftOut.objects.filter(round=rnd, person=yuri).exists()
    assert [e.action for e in AuditLog.objects.order_by("id")] == ["round.move", "round.move"]


def test_a_blocked_pair_is_refused_without_saying_who_asked(admin_client, cast, draft):
    rnd, (_first, _second), xena, yuri = draft
    BlockedPair.objects.create(organization=cast.org, person=cast.alice, other=yuri)
    response = admin_client.post(
        f"/console/rounds/{rnd.pk}/check/",
        {"person": xena.email, "action": "swap", "other": yuri.email},
    )
    body = response.content.decode()
    assert "must not be matched with each other" in body and "blocked" not in body


def test_people_and_groups_of_another_round_cannot_be_named(admin_client, cast, draft):
    rnd, (first, _), xena, _ = draft
    response = admin_client.post(
        f"/console/rounds/{rnd.pk}/edit/",
        {"person": cast.dana.email, "action": "swap", "other": xena.email},
    )
    assert response.status_code == 400 and "person" in response.context["edit_form"].errors
    assert members(first) == {cast.alice.pk, xena.pk}


def test_publishing_publishes_once_and_logs_it(
    admin_client, cast, draft, django_capture_on_commit_callbacks
):
    rnd, *_ = draft
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(f"/console/rounds/{rnd.pk}/publish/")
    assert len(callbacks) >= 1  # the publication ran after the request committed
    job = RoundJob.objects.get(round=rnd, kind=RoundJob.Kind.PUBLISH)
    assert response.status_code == 302 and response["Location"] == f"/console/jobs/{job.pk}/"
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.PUBLISHED and rnd.published_at is not None
    done = admin_client.get(response["Location"], follow=True)
    assert "Published: everyone in a group gets" in done.content.decode()
    again = admin_client.post(f"/console/rounds/{rnd.pk}/publish/", follow=True)
    assert "cannot be published" in again.content.decode()
    assert AuditLog.objects.filter(action="round.publish").count() == 1
    assert RoundJob.objects.filter(kind=RoundJob.Kind.PUBLISH).count() == 1
    page = admin_client.get(f"/console/rounds/{rnd.pk}/")
    assert page.context["edit_form"] is None and "Publish this round" not in page.content.decode()


def test_a_published_round_cannot_be_edited(admin_client, cast, draft):
    rnd, (first, _second), xena, yuri = draft
    Round.objects.filter(pk=rnd.pk).update(status=Round.Status.PUBLISHED)
    response = admin_client.post(
        f"/console/rounds/{rnd.pk}/edit/",
        {"person": xena.email, "action": "swap", "other": yuri.email},
    )
    assert response.status_code == 400
    assert "Only a draft round can be edited" in response.content.decode()
    assert members(first) == {cast.alice.pk, xena.pk}


def test_a_program_manager_edits_rounds_of_their_program_only(manager_client, cast, draft):
    rnd, (_first, _second), xena, yuri = draft
    response = manager_client.post(
        f"/console/rounds/{rnd.pk}/edit/",
        {"person": xena.email, "action": "swap", "other": yuri.email},
    )
    assert response.status_code == 302
    lunch = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    other = Round.objects.create(organization=cast.org, program=lunch, date=ON)
    assert manager_client.post(f"/console/rounds/{other.pk}/publish/").status_code == 403
    assert (
        manager_client.post(
            f"/console/programs/{lunch.pk}/rounds/new/", {"on": "2026-12-07"}
        ).status_code
        == 403
    )


def test_a_refusal_is_worded_in_the_admins_language(admin_client, cast, draft):
    rnd, (_first, _), xena, _ = draft
    cast.alice.language = "de"
    cast.alice.save()
    response = admin_client.post(
        f"/console/rounds/{rnd.pk}/check/",
        {"person": cast.bob.email, "action": "swap", "other": xena.email},
    )
    body = response.content.decode()
    assert "Abgelehnt" in body and "Alice Adler ist die Führungskraft von Bob Brandt" in body
