"""A round of a team-bridge program: the program's engine input, split into sides by
the bridge's teams, paired by ``crosspaths.matching.bridges``."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from crosspaths.matching.bridges import bridge_match
from crosspaths.matching.types import PastGroup, Result
from crosspaths.people.models import Person
from crosspaths.programs.engine_input import COUNTED_STATUSES, EngineInput
from crosspaths.programs.models import MatchMember, Program
from crosspaths.programs.wording import join_words

from .models import Bridge


def bridge_sides(program: Program, person_ids: list[int]) -> dict[str, str]:
    """Engine id -> the name of the person's team, for members of the bridge's teams
    (a team-bridge program without a bridge row bridges every team of its people)."""
    bridge = Bridge.objects.filter(program=program).first()
    rows = Person.objects.filter(
        organization_id=program.organization_id, pk__in=person_ids, team__isnull=False
    )
    if bridge is not None:
        rows = rows.filter(team__in=bridge.teams.all())
    return {str(pk): name for pk, name in rows.values_list("pk", "team__name")}


def bridge_history(program: Program, *, before: date) -> list[PastGroup]:
    """Every published or closed group of the bridge before ``before`` (the rotation
    counts all of them, not only those within the cooldown)."""
    rows = MatchMember.objects.filter(
        organization_id=program.organization_id,
        round__program=program,
        round__status__in=COUNTED_STATUSES,
        round__date__lt=before,
    ).values_list("match_id", "round__date", "person_id")
    groups: dict[int, tuple[date, list[str]]] = {}
    for match_id, day, person_id in rows:
        groups.setdefault(match_id, (day, []))[1].append(str(person_id))
    return [PastGroup(day, tuple(m)) for day, m in groups.values() if len(m) >= 2]


def bridge_round_result(*, program: Program, data: EngineInput, on: date) -> Result:
    """The groups of one bridge round (registered with ``programs.drafters``)."""
    sides = bridge_sides(program, [int(p.id) for p in data.people])
    return bridge_match(
        data.people,
        sides=sides,
        bridge_history=bridge_history(program, before=on),
        history=data.history,
        blocked=data.blocked,
        rules=data.rules,
        weights=data.weights,
        on=on,
        seed=program.pk,
    )


def bridge_group_problems(*, program: Program, person_ids: list[int]) -> list[tuple[str, str]]:
    """A bridge's own rule for a hand-edited group or a stand-in: never two people of
    the same bridged team in one group (registered with ``programs.drafters``)."""
    sides = bridge_sides(program, person_ids)
    by_team: dict[str, list[int]] = {}
    for pk in person_ids:
        if str(pk) in sides:
            by_team.setdefault(sides[str(pk)], []).append(pk)
    names = dict(
        Person.objects.filter(
            organization_id=program.organization_id, pk__in=person_ids
        ).values_list("pk", "name")
    )
    return [
        (
            "same_team",
            _("%(people)s are both in %(team)s; a team bridge pairs people of different teams")
            % {"people": join_words([names.get(pk) or str(pk) for pk in ids]), "team": team},
        )
        for team, ids in sorted(by_team.items())
        if len(ids) >= 2
    ]
