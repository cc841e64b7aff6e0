"""The mentoring figure in insights: mentees placed, mentor load, pairs still meeting,
hidden below the organization's smallest group."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.insights.figures import Filters, figure
from crosspaths.insights.periods import Period
from crosspaths.mentoring.models import MentoringSettings, NudgeAnswer
from crosspaths.mentoring.services import cycle_start, mentoring_join, nudge_answer
from crosspaths.programs.models import Match, Program
from tests.cast import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(cast):
    program = Program.objects.create(
        organization=cast.org, name="Mentoring", format=Program.Format.MENTORING
    )
    MentoringSettings.objects.create(organization=cast.org, program=program, gap_min=1, gap_max=4)
    for k in range(2):
        mentor = make_person(cast.org, f"m{k}@acme.test", f"Mentor {k}", level=6, login=False)
        mentoring_join(person=mentor, program=program, role="mentor", capacity=2)
    for k in range(3):
        mentee = make_person(cast.org, f"e{k}@acme.test", f"Mentee {k}", level=3, login=False)
        mentoring_join(person=mentee, program=program, role="mentee")
    no_level = make_person(cast.org, "x@acme.test", "No level", login=False)
    mentoring_join(person=no_level, program=program, role="mentee")
    c = cycle_start(program=program, actor=cast.alice)
    matches = list(Match.objects.filter(round__mentoring_cycle_round__cycle=c).order_by("pk"))
    nudge_answer(match=matches[0], month=1, met=True)
    nudge_answer(match=matches[1], month=1, met=False)
    nudge_answer(match=matches[1], month=2, met=True)
    nudge_answer(match=matches[2], month=1, met=False)
    return c


def _filters(cast, minimum: int) -> Filters:
    cast.org.min_cell_size = minimum
    return Filters(
        organization=cast.org,
        program=None,
        location=None,
        period=Period("x", date(2026, 11, 1), date(2026, 11, 30), "November"),
        organization_wide=True,
        today=date(2026, 11, 30),
    )


def test_it_shows_placed_share_load_and_pairs_still_meeting(cast, cycle):
    fig = figure("mentoring", _filters(cast, 5))
    assert fig is not None and not fig.empty
    # 4 mentees, 3 placed (one mentor takes two), the one without a level not; the 3
    # pairs answered, 2 of them "met" in their latest month.
    assert fig.rows == [["2026-11-26", 4, 75.0, 2, 1.5, 2, 3, 66.7]]
    assert "75%" in fig.summary and "67%" in fig.summary


def test_it_hides_a_cycle_with_too_few_people_behind_it(cast, cycle):
    fig = figure("mentoring", _filters(cast, 8))
    assert fig is not None
    assert fig.rows == [["2026-11-26", "", "", "", "", "", "", ""]]
    assert fig.hidden == 1
    assert "Not enough" in fig.summary


def test_too_few_answers_hide_only_the_meeting_share(cast, cycle):
    NudgeAnswer.objects.filter(cycle=cycle, month=1, met=False).delete()  # 2 pairs answered
    fig = figure("mentoring", _filters(cast, 6))  # 6 people, but only 4 answered
    assert fig is not None
    assert fig.rows[0][1:3] == [4, 75.0] and fig.rows[0][7] is None


def test_the_insights_page_shows_the_figure_with_its_numbers(cast, cycle, client):
    cast.org.min_cell_size = 5
    cast.org.save()
    client.force_login(cast.alice.user)
    page = client.get("/insights/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mentees placed (%)" in text and "75%" in text
    csv = client.get("/insights/mentoring.csv").content.decode()
    assert "Cycle starting" in csv and "2026-11-26,4,75.0,2,1.5,2,3,66.7" in csv
