"""Browsing a round: groups with reasons, metrics, who was left out, and check-ins in
aggregate only."""

from __future__ import annotations

from crosspaths.meetings.models import CheckIn
from crosspaths.programs.models import LeftOut, MatchMember


def test_a_round_shows_groups_reasons_and_metrics(admin_client, cast, published_round):
    LeftOut.objects.create(
        organization=cast.org,
        round=published_round,
        person=cast.alice,
        code="odd_one_out",
        reason="odd one out: ...",
    )
    response = admin_client.get(f"/console/rounds/{published_round.pk}/")
    body = response.content.decode()
    assert "From different departments: Engineering and People" in body
    assert "Chidi Okafor" in body and "Bob Brandt" in body
    assert "Odd one out" in body
    metrics = response.context["view"].metrics
    assert metrics["placed"] == 2 and metrics["left_out"] == 1 and metrics["groups"] == 1
    assert metrics["cross_department_share"] == 1.0 and metrics["cross_location_share"] == 0.0
    assert metrics["mean_score"] == 12.5


def test_check_ins_show_whether_a_group_met_but_no_ratings_or_comments(
    admin_client, cast, published_round
):
    member = MatchMember.objects.get(round=published_round, person=cast.bob)
    CheckIn.objects.create(
        organization=cast.org, member=member, met=True, rating=2, comment="Chidi was late"
    )
    response = admin_client.get(f"/console/rounds/{published_round.pk}/")
    body = response.content.decode()
    assert response.context["view"].groups[0].met == "met"
    checkins = response.context["view"].checkins
    assert checkins["met"] == 1 and checkins["mean_rating"] is None  # 1 rating < 5
    assert "Chidi was late" not in body and "2 / 5" not in body


def test_the_mean_rating_appears_once_enough_people_rated(admin_client, cast, published_round):
    cast.org.min_cell_size = 2
    cast.org.save()
    for member, rating in zip(
        MatchMember.objects.filter(round=published_round), (4, 5), strict=True
    ):
        CheckIn.objects.create(organization=cast.org, member=member, met=True, rating=rating)
    response = admin_client.get(f"/console/rounds/{published_round.pk}/")
    assert response.context["view"].checkins["mean_rating"] == 4.5
    assert "4.5 / 5" in response.content.decode()


def test_a_program_manager_sees_rounds_of_their_programs_only(
    manager_client, cast, published_round
):
    from datetime import date

    from crosspaths.programs.models import Program, Round

    lunch = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    other = Round.objects.create(organization=cast.org, program=lunch, date=date(2026, 11, 5))
    assert manager_client.get(f"/console/rounds/{published_round.pk}/").status_code == 200
    assert manager_client.get(f"/console/rounds/{other.pk}/").status_code == 403


def test_the_dashboard_lists_programs_and_people_figures(admin_client, cast, published_round):
    response = admin_client.get("/console/")
    body = response.content.decode()
    assert "Coffee roulette" in body and response.context["overview"]["active"] == 3
