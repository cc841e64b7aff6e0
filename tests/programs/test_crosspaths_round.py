"""``manage.py crosspaths_round``: a round now, outside the schedule."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crosspaths.notify.models import Message
from crosspaths.programs.models import Round

from .crowd import coffee, crowd, enroll


def run(*args):
    out = StringIO()
    call_command("crosspaths_round", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def program(cast):
    p = coffee(cast.org)
    enroll(p, [cast.alice, cast.chidi, *crowd(cast.org, 4)])
    return p


def test_it_drafts_a_round_by_name(program):
    out = run("Virtual coffee", "--date", "2026-12-02")
    rnd = Round.objects.get()
    assert (rnd.date.isoformat(), rnd.status) == ("2026-12-02", "draft")
    assert "6 people, 3 groups, 0 left out" in out
    assert not Message.objects.exists()


def test_it_publishes_when_asked(program):
    run(str(program.pk), "--org", "acme", "--publish", "--date", "2026-12-02")
    assert Round.objects.get().status == "published"
    assert Message.objects.filter(kind="intro").count() == 6


def test_a_second_round_on_the_same_day_is_refused_clearly(program):
    run("Virtual coffee", "--date", "2026-12-02")
    with pytest.raises(CommandError, match="already has a round on 2026-12-02"):
        run("Virtual coffee", "--date", "2026-12-02")


def test_an_unknown_or_ambiguous_program_is_named(cast, program):
    with pytest.raises(CommandError, match="No program 'Lunch'"):
        run("Lunch")
    coffee(cast.other_org)
    with pytest.raises(CommandError, match="several organizations"):
        run("Virtual coffee")
