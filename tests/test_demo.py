"""The demo organization: deterministic, uneven, multilingual, with history."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from crosspaths.demo.loader import load_demo_organization
from crosspaths.demo.synthetic import DEMO_PASSWORD, generate_people
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Person
from crosspaths.programs.models import MatchMember, Program, Round

TODAY = date(2026, 11, 25)


def test_the_same_seed_gives_the_same_people():
    assert generate_people(300, seed=7, today=TODAY) == generate_people(300, seed=7, today=TODAY)
    assert generate_people(300, seed=7, today=TODAY) != generate_people(300, seed=8, today=TODAY)


def test_the_demo_has_eight_uneven_departments_and_three_time_zones():
    people = generate_people(300, today=TODAY)
    sizes = sorted(Counter(p.department for p in people).values())
    assert len(people) == 300 and len(sizes) == 8
    assert sizes[-1] >= 10 * sizes[0]
    assert len({p.timezone for p in people}) == 3
    assert any(p.languages == ("de",) for p in people)


def test_managers_come_before_their_reports_and_exist():
    people = generate_people(1000, today=TODAY)
    position = {p.id: i for i, p in enumerate(people)}
    for p in people:
        if p.manager_id:
            assert position[p.manager_id] < position[p.id]


@pytest.mark.django_db
def test_loading_the_demo_creates_programs_rounds_and_check_ins():
    org = load_demo_organization(people=120, today=TODAY)
    assert Person.objects.filter(organization=org).count() == 120
    coffee, lunch = Program.objects.filter(organization=org).order_by("-group_size")[::-1]
    assert (coffee.group_size, lunch.group_size, lunch.mode) == (2, 4, "in-person")
    assert Round.objects.filter(program=coffee, status="closed").count() == 5
    assert Round.objects.filter(program=coffee, status="published").count() == 1
    assert CheckIn.objects.filter(organization=org).exists()
    # In-person history groups never span two offices.
    for rnd in Round.objects.filter(program=lunch):
        for match in rnd.matches.all():
            assert len({m.person.location_id for m in match.members.all()}) == 1
    assert not MatchMember.objects.exclude(organization=org).exists()


@pytest.mark.django_db
def test_the_demo_logins_work(client):
    load_demo_organization(people=60, today=TODAY)
    assert client.login(username="alice@demo.crosspaths.test", password=DEMO_PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    assert "Alice Adler" in response.content.decode()


@pytest.mark.django_db
def test_the_demo_command_loads_only_into_an_empty_database(capsys):
    call_command("demo", people=50, rounds=1)
    call_command("demo", people=50, if_empty=True)
    out = capsys.readouterr().out
    assert "already has an organization" in out
    assert "alice@demo.crosspaths.test" in out
    assert Person.objects.count() == 50


def test_the_demo_roster_file_reads_back_without_a_problem(tmp_path):
    from crosspaths.demo.synthetic import write_roster_csv
    from crosspaths.matching.roster import read_roster

    people = generate_people(200, today=TODAY)
    write_roster_csv(people, tmp_path / "roster.csv")
    rows = read_roster(tmp_path / "roster.csv")
    assert [r.id for r in rows] == [p.id for p in people]
    assert rows[5].languages == people[5].languages and rows[5].email == people[5].email


@pytest.mark.django_db
def test_the_demo_shows_a_pay_off_figure(client):
    """The demo plants an effect of meeting in its collaboration counts, so "Does it pay
    off?" has a figure with an interval over enough pairs."""
    from crosspaths.collaboration.models import PayoffEstimate

    call_command("demo")
    estimate = PayoffEstimate.objects.get(organization__slug="demo")
    assert estimate.shown and estimate.pairs >= 100
    assert estimate.low is not None and 1 < estimate.low < estimate.uplift
    client.login(username="alice@demo.crosspaths.test", password=DEMO_PASSWORD)
    assert "Colleagues who met exchanged" in client.get("/insights/pays-off/").content.decode()
