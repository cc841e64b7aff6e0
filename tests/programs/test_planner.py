"""The round's slot planner: every slot fits every member (working hours, free windows,
holidays, the window), slots are spread over the days, nobody is booked twice, and the
same seed gives the same plan."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from crosspaths.people.days_off import holidays_between
from crosspaths.programs.engine_input import Whereabouts
from crosspaths.programs.planner import PlanGroup, plan_slots
from crosspaths.programs.services import free_finder
from crosspaths.programs.slots import DAYPART, DURATION_MINUTES, WORK_END, WORK_START, Free

# Monday 2026-11-30, 00:00 in Berlin; a weekly round's window is that week.
AFTER = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
BEFORE = AFTER + timedelta(days=7)
ZONES = ["Europe/Berlin", "Europe/Lisbon", "America/New_York", "Asia/Kolkata", "Europe/London"]
WEEK = [date(2026, 11, 29) + timedelta(days=k) for k in range(9)]


def hhmm(quarter: int) -> str:
    return f"{quarter // 4:02d}:{quarter % 4 * 15:02d}"


window = st.builds(
    lambda weekday, start, length: {
        "weekday": weekday,
        "start": hhmm(start),
        "end": hhmm(min(start + length, 95)),
    },
    st.integers(0, 6),
    st.integers(28, 64),
    st.integers(2, 24),
)
member = st.builds(
    Free,
    st.sampled_from(ZONES),
    st.one_of(st.just([]), st.lists(window, min_size=1, max_size=5)),
    st.frozensets(st.sampled_from(WEEK), max_size=3),
)


def fits(person: Free, start: datetime, end: datetime, fmt: str) -> bool:
    """The independent check: the meeting lies inside the person's working hours,
    format's part of the day, one declared window (if any) on a local workday that is
    not a day off."""
    zone = ZoneInfo(person.timezone)
    a, b = start.astimezone(zone), end.astimezone(zone)
    if a.date() != b.date() and b.time() != time(0, 0):
        return False
    if a.weekday() > 4 or a.date() in person.days_off:
        return False
    lo, hi = WORK_START, WORK_END
    if fmt in DAYPART:
        lo, hi = max(lo, DAYPART[fmt][0]), min(hi, DAYPART[fmt][1])
    if not (lo <= a.time() and b.time() <= hi):
        return False
    if not person.availability:
        return True
    return any(
        w["weekday"] == a.weekday()
        and time.fromisoformat(w["start"]) <= a.time()
        and b.time() <= time.fromisoformat(w["end"])
        for w in person.availability
    )


@settings(max_examples=40, deadline=None)
@given(
    groups=st.lists(st.lists(member, min_size=2, max_size=4), min_size=1, max_size=25),
    fmt=st.sampled_from(["virtual_coffee", "lunch", "mentoring"]),
    seed=st.integers(0, 10**6),
    lead_hours=st.integers(0, 100),
)
def test_every_slot_fits_every_member_inside_the_window(groups, fmt, seed, lead_hours):
    after = AFTER + timedelta(hours=lead_hours)  # "now + lead" at publishing
    plan = [
        PlanGroup(tuple(g), tuple(range(k * 10, k * 10 + len(g)))) for k, g in enumerate(groups)
    ]
    slots = plan_slots(plan, fmt=fmt, after=after, before=BEFORE, zone="Europe/Berlin", seed=seed)
    assert len(slots) == len(groups)
    for group, slot in zip(groups, slots, strict=True):
        if slot is None:
            continue
        start, end = slot
        assert after <= start and end <= BEFORE
        assert end - start == timedelta(minutes=DURATION_MINUTES[fmt])
        assert start.minute % 15 == 0
        for person in group:
            assert fits(person, start, end, fmt), (person, start)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(10, 120),
    seed=st.integers(0, 10**6),
    organizers=st.integers(1, 8),
)
def test_an_organizer_in_several_groups_is_never_booked_twice_at_once(n, seed, organizers):
    """Groups sharing an organizer (one person in several groups, e.g. a mentor) never
    overlap, and their groups go to different days while days are left."""
    plan = [
        PlanGroup((Free("Europe/Berlin"), Free("Europe/Berlin")), (k % organizers, 1000 + k))
        for k in range(n)
    ]
    slots = plan_slots(
        plan, fmt="mentoring", after=AFTER, before=BEFORE, zone="Europe/Berlin", seed=seed
    )
    by_organizer: dict[int, list[tuple[datetime, datetime]]] = {}
    for group, slot in zip(plan, slots, strict=True):
        if slot is not None:
            by_organizer.setdefault(group.person_ids[0], []).append(slot)
    for meetings in by_organizer.values():
        meetings.sort()
        for (_, end), (start, _) in pairwise(meetings):
            assert end <= start
        days = Counter(s.astimezone(ZoneInfo("Europe/Berlin")).date() for s, _ in meetings)
        if len(meetings) <= 20:  # room to spare: at most four of the ten a day fits
            assert max(days.values()) - min(days.values()) <= 1 or len(days) == len(meetings)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(20, 1000), seed=st.integers(0, 10**6))
def test_groups_are_spread_evenly_over_the_days_and_hours(n, seed):
    """People with the same hours: every workday gets its share (within one group),
    and so does every hour of the working day."""
    plan = [
        PlanGroup((Free("Europe/Berlin"), Free("Europe/Berlin")), (2 * k, 2 * k + 1))
        for k in range(n)
    ]
    slots = plan_slots(
        plan, fmt="virtual_coffee", after=AFTER, before=BEFORE, zone="Europe/Berlin", seed=seed
    )
    assert all(slots)
    local = [s.astimezone(ZoneInfo("Europe/Berlin")) for s, _ in slots]
    days = Counter(m.date() for m in local)
    hours = Counter(m.hour for m in local)
    assert len(days) == min(5, n)
    assert max(days.values()) - min(days.values()) <= 1
    if n >= 40:
        assert len(hours) == 8
        assert max(hours.values()) - min(hours.values()) <= 1


def test_a_public_holiday_of_any_member_is_never_suggested():
    """Bavaria's Christmas: 24 Dec 2026 is a Thursday, 25th and 26th are holidays; a group
    with one Bavarian meets on none of those, one in New York has no 26 Dec holiday."""
    christmas_after = datetime(2026, 12, 20, 23, 0, tzinfo=UTC)  # Monday 21 Dec, Berlin
    before = christmas_after + timedelta(days=7)
    off = holidays_between("DE", "BY", date(2026, 12, 20), date(2026, 12, 28))
    assert date(2026, 12, 25) in off and date(2026, 12, 24) not in off
    plan = [
        PlanGroup((Free("Europe/Berlin", (), off), Free("Europe/Berlin")), (2 * k, 2 * k + 1))
        for k in range(60)
    ]
    slots = plan_slots(
        plan,
        fmt="virtual_coffee",
        after=christmas_after,
        before=before,
        zone="Europe/Berlin",
        seed=3,
    )
    days = Counter(s.astimezone(ZoneInfo("Europe/Berlin")).date() for s, _ in slots)
    assert date(2026, 12, 25) not in days
    assert set(days) == {date(2026, 12, d) for d in (21, 22, 23, 24)}


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    plan = [
        PlanGroup((Free("Europe/Berlin"), Free("Europe/Lisbon")), (2 * k, 2 * k + 1))
        for k in range(50)
    ]
    kwargs = {"fmt": "virtual_coffee", "after": AFTER, "before": BEFORE, "zone": "Europe/Berlin"}
    assert plan_slots(plan, seed=7, **kwargs) == plan_slots(plan, seed=7, **kwargs)
    assert plan_slots(plan, seed=7, **kwargs) != plan_slots(plan, seed=8, **kwargs)


def test_a_meeting_someone_already_has_is_never_overlapped():
    """Busy: a person's meeting of another program's round on Monday 09:00-17:00."""
    monday = (datetime(2026, 11, 30, 8, 0, tzinfo=UTC), datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    plan = [PlanGroup((Free("Europe/Berlin"), Free("Europe/Berlin")), (1, 2))]
    for seed in range(20):
        start, _end = plan_slots(
            plan,
            fmt="virtual_coffee",
            after=AFTER,
            before=AFTER + timedelta(days=2),
            zone="Europe/Berlin",
            seed=seed,
            busy={1: [monday]},
        )[0]
        assert start >= monday[1]


def test_no_common_time_means_no_slot():
    plan = [PlanGroup((Free("Europe/Berlin"), Free("Pacific/Honolulu")), (1, 2))]
    assert plan_slots(
        plan, fmt="virtual_coffee", after=AFTER, before=BEFORE, zone="Europe/Berlin", seed=1
    ) == [None]


place = st.sampled_from(
    [("", ""), ("DE", "BY"), ("DE", "BE"), ("PT", ""), ("US", "NY"), ("IN", "")]
)
whereabouts = st.builds(
    lambda zone, availability, where: Whereabouts(None, zone, availability, *where),
    st.sampled_from(ZONES),
    st.one_of(st.just([]), st.lists(window, min_size=1, max_size=3)),
    place,
)


@settings(max_examples=40, deadline=None)
@given(
    groups=st.lists(st.lists(whereabouts, min_size=2, max_size=4), min_size=1, max_size=30),
    fmt=st.sampled_from(["virtual_coffee", "lunch"]),
    seed=st.integers(0, 10**6),
)
def test_members_sharing_one_free_are_planned_as_members_each_with_their_own(groups, fmt, seed):
    """free_finder hands members alike one shared Free and plan_slots keys its profiles
    by identity: the plan is the one of a Free per member, built as free_of did before
    (each member's own holidays), and the shared ones carry the same calendar."""
    first, last = (AFTER - timedelta(days=1)).date(), (BEFORE + timedelta(days=1)).date()
    free = free_finder(AFTER, BEFORE)
    shared = [[free(m) for m in g] for g in groups]
    own = [
        [Free(m.timezone, m.availability, holidays_between(m.country, m.subdivision, first, last))
         for m in g]
        for g in groups
    ]  # fmt: skip
    for mine, theirs in zip(shared, own, strict=True):
        assert [(f.timezone, list(f.availability), f.days_off) for f in mine] == [
            (f.timezone, list(f.availability), f.days_off) for f in theirs
        ]
    ids = [tuple(range(10 * k, 10 * k + len(g))) for k, g in enumerate(groups)]

    def plan(members: list[list[Free]]) -> list:
        return plan_slots(
            [PlanGroup(tuple(m), i) for m, i in zip(members, ids, strict=True)],
            fmt=fmt,
            after=AFTER,
            before=BEFORE,
            zone="Europe/Berlin",
            seed=seed,
        )

    assert plan(shared) == plan(own)
