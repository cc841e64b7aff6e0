"""Synthetic interaction counts with a known, planted effect of meeting: for the demo
(so "Does it pay off?" shows a figure) and for the test that checks the estimate
recovers what was planted, and finds nothing when nothing was.

Every pair of people has a *tie* with a probability that is higher within a department
than across; a tied pair interacts every week at its own Poisson rate. A pair that met
in a round (a "we met" check-in) additionally interacts, in the ``weeks_after`` weeks
from its round's week, at ``(uplift - 1)`` times the average weekly rate of pairs like
it (same or different department). So, in expectation, pairs that met exchange
``uplift`` times what comparable pairs exchange: ``uplift=1`` plants no effect.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from itertools import combinations

import numpy as np
from django.db import transaction

from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import MatchMember, Round

from .comparison import EPOCH, week_number
from .models import CollaborationOptOut
from .services import collaboration_configure, payoff_compute
from .storage import interactions_insert

TIE_WITHIN = 0.30  # chance two people of one department interact at all
TIE_ACROSS = 0.05
MEAN_RATE = 0.6  # mean weekly interactions of a tied pair
CHANNELS = ("chat", "mail", "meeting")


@transaction.atomic
def synthetic_interactions(
    *,
    organization: Organization,
    first_week: date,
    last_week: date,
    weeks_after: int,
    uplift: float,
    seed: int = 7,
    tie_within: float = TIE_WITHIN,
    tie_across: float = TIE_ACROSS,
    mean_rate: float = MEAN_RATE,
) -> int:
    """Write weekly interaction counts from ``first_week`` to ``last_week`` (Mondays)
    for everyone in ``organization``; returns the rows written."""
    rng = np.random.default_rng(seed)
    opted_out = set(
        CollaborationOptOut.objects.filter(organization=organization).values_list(
            "person_id", flat=True
        )
    )
    people = [
        (pk, dept or 0)
        for pk, dept in Person.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("pk", "department_id")
        if pk not in opted_out
    ]
    pks = np.array([p for p, _d in people], dtype=np.int64)
    depts = np.array([d for _p, d in people], dtype=np.int64)
    first, last = week_number(first_week), week_number(last_week)
    n_weeks = last - first + 1
    i, j = np.triu_indices(len(pks), 1)
    same = depts[i] == depts[j]
    tied = rng.random(len(i)) < np.where(same, tie_within, tie_across)
    rate = rng.gamma(2.0, mean_rate / 2.0, len(i)) * tied
    counts = rng.poisson(rate[tied, None], (int(tied.sum()), n_weeks))
    a, b = pks[i[tied]], pks[j[tied]]
    rows: dict[tuple[int, int, int], int] = {}
    for k, w in zip(*np.nonzero(counts), strict=True):
        rows[(int(a[k]), int(b[k]), first + int(w))] = int(counts[k, w])
    if uplift != 1:
        base = {True: tie_within * mean_rate, False: tie_across * mean_rate}
        dept_of = dict(people)
        for x, y, week in _met_pairs(organization, opted_out):
            extra = (uplift - 1) * base[dept_of.get(x) == dept_of.get(y)]
            for w in range(week, min(week + weeks_after, last + 1)):
                if w < first:
                    continue
                n = int(rng.poisson(extra))
                if n:
                    key = (x, y, w)
                    rows[key] = rows.get(key, 0) + n
    channel = rng.integers(0, len(CHANNELS), len(rows))
    return interactions_insert(
        (organization.pk, EPOCH + timedelta(weeks=w), x, y, CHANNELS[c], n)
        for ((x, y, w), n), c in zip(rows.items(), channel, strict=True)
    )


def _met_pairs(organization: Organization, opted_out: set[int]) -> list[tuple[int, int, int]]:
    """(a, b, round week) for every pair in a group a member said they met in."""
    met = set(
        CheckIn.objects.filter(organization=organization, met=True).values_list(
            "member__match_id", flat=True
        )
    )
    groups: dict[int, list[int]] = defaultdict(list)
    weeks: dict[int, int] = {}
    rounds = dict(Round.objects.filter(organization=organization).values_list("pk", "date"))
    for match_pk, round_pk, person_pk in MatchMember.objects.filter(
        organization=organization, match_id__in=met
    ).values_list("match_id", "round_id", "person_id"):
        if person_pk not in opted_out:
            groups[match_pk].append(person_pk)
            weeks[match_pk] = week_number(rounds[round_pk])
    return [
        (x, y, weeks[m])
        for m, members in groups.items()
        for x, y in combinations(sorted(members), 2)
    ]


DEMO_MAX_PEOPLE = 2000  # every pair of people is drawn: fine for a pilot-sized demo
DEMO_WEEKS = 4  # the demo's rounds go back five weeks: four before and after fit
DEMO_UPLIFT = 1.8


def demo_collaboration(*, organization: Organization, today: date) -> int:
    """Turn collection on for a demo organization and plant a realistic effect, weeks
    from four before its first round to last week; returns the rows written (0 for a
    demo too large to draw every pair of)."""
    if Person.objects.filter(organization=organization).count() > DEMO_MAX_PEOPLE:
        return 0
    first_round = Round.objects.filter(organization=organization).order_by("date").first()
    if first_round is None:
        return 0
    collaboration_configure(organization=organization, enabled=True, weeks_after=DEMO_WEEKS)
    this_week = today - timedelta(days=today.weekday())
    first_week = first_round.date - timedelta(days=first_round.date.weekday())
    rows = synthetic_interactions(
        organization=organization,
        first_week=first_week - timedelta(weeks=DEMO_WEEKS),
        last_week=this_week - timedelta(weeks=1),
        weeks_after=DEMO_WEEKS,
        uplift=DEMO_UPLIFT,
    )
    payoff_compute(organization=organization)
    return rows
