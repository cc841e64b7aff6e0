"""Background tasks of the programs app: ids in, safe to run twice."""

from crosspaths.notify.models import Message
from crosspaths.programs.models import Round
from crosspaths.programs.tasks import draft_round

from .crowd import coffee, crowd, enroll


def test_drafting_a_round_twice_drafts_it_once(cast):
    program = coffee(cast.org)
    enroll(program, crowd(cast.org, 6))
    first = draft_round.enqueue(program.pk, "2026-12-02", publish=True)
    second = draft_round.enqueue(program.pk, "2026-12-02", publish=True)
    assert first.return_value == second.return_value == Round.objects.get().pk
    assert Round.objects.get().status == "published"
    assert Message.objects.filter(kind="intro").count() == 6
