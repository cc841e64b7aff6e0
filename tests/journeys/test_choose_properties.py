"""Over generated rosters (managers, blocked pairs, past meetings, languages and time
zones that stress every hard rule), the journeys' choices for every new hire over a
whole journey break no hard rule, visit a new department each week, keep the buddy
rules and the weekly cap."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crosspaths.journeys import choose
from crosspaths.matching import PastGroup, Rules, hard_rule_problems

from ..matching.helpers import ON, rosters

WEEKS = 6


@settings(max_examples=150, deadline=None)
@given(rosters(min_size=2, max_size=30), st.integers(1, 3), st.integers(0, 800))
def test_a_whole_journey_breaks_no_hard_rule(roster, cap, tenure_days):
    people, history, blocked = roster
    history = list(history)
    rules = Rules(size=2, cooldown_weeks=12)
    new_hires = [p for p in people if p.start_date and p.start_date >= ON - timedelta(days=28)]
    colleagues = [p for p in people if p not in new_hires]
    visited: dict[str, set[str]] = {p.id: set() for p in new_hires}
    loads = choose.Loads()
    for week in range(1 + WEEKS):
        day = ON + timedelta(weeks=week)
        loads.this_week = {}
        busy: set[str] = set()
        for hire in new_hires:
            kind = choose.BUDDY if week == 0 else choose.INTRO
            choice = choose.choose_colleague(
                hire,
                [c for c in colleagues if c.id not in busy],
                kind=kind,
                visited=frozenset(visited[hire.id]),
                loads=loads,
                cap=cap,
                on=day,
                min_tenure_days=tenure_days,
                history=history,
                blocked=blocked,
                rules=rules,
            )
            c = choice.colleague
            if c is None:
                assert choice.missed in (choose.NOBODY_ELIGIBLE, choose.EVERYONE_BREAKS_A_RULE)
                continue
            assert (
                hard_rule_problems([hire, c], history=history, blocked=blocked, rules=rules, on=day)
                == []
            )
            assert c.department and c.department != hire.department
            assert c.department not in visited[hire.id] or kind == choose.BUDDY
            if kind == choose.BUDDY:
                assert choose.tenured(c, on=day, min_days=tenure_days)
            assert loads.this_week.get(c.id, 0) < cap
            visited[hire.id].add(c.department)
            loads.add(c)
            busy.update((c.id,))
            history.append(PastGroup(day, (hire.id, c.id)))


@settings(max_examples=60, deadline=None)
@given(rosters(min_size=2, max_size=30))
def test_nobody_is_missed_while_a_rule_keeping_colleague_was_free(roster):
    """When the chooser finds nobody, every eligible candidate breaks a hard rule."""
    people, history, blocked = roster
    rules = Rules(size=2, cooldown_weeks=12)
    for hire in people[:3]:
        others = [p for p in people if p is not hire]
        choice = choose.choose_colleague(
            hire,
            others,
            kind=choose.INTRO,
            loads=choose.Loads(),
            on=ON,
            history=history,
            blocked=blocked,
            rules=rules,
        )
        if choice.colleague is None:
            eligible = choose.candidates_in_order(
                hire,
                others,
                kind=choose.INTRO,
                visited=frozenset(),
                loads=choose.Loads(),
                cap=1,
                on=ON,
                min_tenure_days=365,
            )
            for c in eligible:
                assert hard_rule_problems(
                    [hire, c], history=history, blocked=blocked, rules=rules, on=ON
                )
