"""The engine tests' cast and random rosters (hypothesis strategies)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from crosspaths.matching import PastGroup, Person

ON = date(2025, 11, 24)  # a Monday; Berlin is UTC+1, New York UTC-5, Tokyo UTC+9

# The shared cast: Alice manages Bob; Chidi is in another department.
ALICE = Person(
    id="alice",
    name="Alice",
    department="People",
    team="HR",
    location="Berlin",
    timezone="Europe/Berlin",
    languages=frozenset({"en", "de"}),
    level=5,
    start_date=date(2015, 1, 1),
)
BOB = Person(
    id="bob",
    name="Bob",
    department="People",
    team="HR",
    location="Berlin",
    timezone="Europe/Berlin",
    languages=frozenset({"en"}),
    manager_id="alice",
    level=3,
    start_date=date(2020, 1, 1),
)
CHIDI = Person(
    id="chidi",
    name="Chidi",
    department="Engineering",
    team="Web",
    location="Berlin",
    timezone="Europe/Berlin",
    languages=frozenset({"en"}),
    level=4,
    start_date=date(2019, 1, 1),
)

PLACES = [
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("Tokyo", "Asia/Tokyo"),  # 14 hours ahead of New York: no common working hour
]


def person(pid: str, **kw: object) -> Person:
    """A person with harmless defaults: English, Berlin, department ``D-<id>``."""
    base: dict[str, object] = {
        "name": pid.title(),
        "department": f"D-{pid}",
        "location": "Berlin",
        "timezone": "Europe/Berlin",
        "languages": frozenset({"en"}),
    }
    base.update(kw)
    return Person(id=pid, **base)  # type: ignore[arg-type]


@st.composite
def rosters(
    draw: st.DrawFn, min_size: int = 0, max_size: int = 24
) -> tuple[list[Person], list[PastGroup], list[tuple[str, str]]]:
    """Random people, history and blocked pairs that stress every hard rule."""
    n = draw(st.integers(min_size, max_size))
    people: list[Person] = []
    for k in range(n):
        loc, tz = draw(st.sampled_from(PLACES))
        langs = draw(
            st.sampled_from([{"en"}, {"en"}, {"en", "de"}, {"de"}, {"ja"}, {"en", "ja"}, set()])
        )
        manager = ""
        if k and draw(st.booleans()):
            manager = f"p{draw(st.integers(0, k - 1))}"
        people.append(
            Person(
                id=f"p{k}",
                name=f"P{k}",
                department=draw(st.sampled_from(["A", "A", "B", "C", ""])),
                team=draw(st.sampled_from(["t1", "t2", ""])),
                location=loc,
                timezone=draw(st.sampled_from([tz, tz, tz, ""])),
                languages=frozenset(langs),
                manager_id=manager,
                level=draw(st.sampled_from([None, 1, 3, 5])),
                start_date=ON - timedelta(days=draw(st.integers(0, 3000))),
                interests=frozenset(draw(st.sets(st.sampled_from(["chess", "tea", "running"])))),
                waited_rounds=draw(st.integers(0, 2)),
            )
        )
    ids = [p.id for p in people]
    history: list[PastGroup] = []
    blocked: list[tuple[str, str]] = []
    if n >= 2:
        for _ in range(draw(st.integers(0, n))):
            members = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=4, unique=True))
            weeks = draw(st.integers(1, 30))
            history.append(PastGroup(date=ON - timedelta(weeks=weeks), members=tuple(members)))
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
            blocked.append((a, b))
    return people, history, blocked
