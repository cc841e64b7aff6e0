"""Deterministic synthetic organizations for the demo, the tests and the benchmarks.

``generate_people`` is pure (no Django) so the engine's benchmarks and CLI can use
it; ``crosspaths.demo.loader.load_demo_organization`` writes one into the database. The same seed and
``today`` always give the same organization. Departments are very uneven on
purpose (silos are the problem Crosspaths exists for), some people in Munich speak
only German, and the offices span three time zones.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from crosspaths.matching.roster import ROSTER_COLUMNS

# (name, share of the workforce): very uneven on purpose.
DEPARTMENTS: tuple[tuple[str, float], ...] = (
    ("Engineering", 0.34),
    ("Sales", 0.20),
    ("Operations", 0.15),
    ("Customer Success", 0.11),
    ("Marketing", 0.08),
    ("Finance", 0.05),
    ("People", 0.04),
    ("Legal", 0.03),
)
# (name, time zone, share, language profiles with weights)
LOCATIONS: tuple[tuple[str, str, float, tuple[tuple[tuple[str, ...], float], ...]], ...] = (
    ("Munich", "Europe/Berlin", 0.50, ((("de", "en"), 0.70), (("de",), 0.20), (("en",), 0.10))),
    ("Lisbon", "Europe/Lisbon", 0.25, ((("pt", "en"), 0.75), (("en",), 0.25))),
    ("New York", "America/New_York", 0.25, ((("en",), 0.80), (("en", "es"), 0.20))),
)
# Where the demo's offices are, for their public holidays (the roster's country column).
LOCATION_COUNTRIES = {"Munich": "DE-BY", "Lisbon": "PT", "New York": "US-NY"}
TEAM_NAMES = (
    "Alpha",
    "Atlas",
    "Beacon",
    "Compass",
    "Delta",
    "Ember",
    "Falcon",
    "Harbor",
    "Kite",
    "Lumen",
    "Meridian",
    "Nova",
    "Orbit",
    "Pilot",
    "Quartz",
    "Ridge",
    "Summit",
    "Tide",
    "Vector",
    "Willow",
)
TITLES = {
    "Engineering": ("Software Engineer", "Engineering Manager", "Head of Engineering"),
    "Sales": ("Account Executive", "Sales Lead", "Head of Sales"),
    "Operations": ("Operations Specialist", "Operations Lead", "Head of Operations"),
    "Customer Success": ("Customer Success Manager", "Support Lead", "Head of Customer Success"),
    "Marketing": ("Marketing Specialist", "Marketing Lead", "Head of Marketing"),
    "Finance": ("Accountant", "Finance Lead", "Head of Finance"),
    "People": ("People Partner", "People Lead", "Head of People"),
    "Legal": ("Legal Counsel", "Legal Lead", "General Counsel"),
}
INTERESTS = (
    "cycling",
    "running",
    "hiking",
    "climbing",
    "yoga",
    "football",
    "tennis",
    "swimming",
    "chess",
    "board games",
    "video games",
    "cooking",
    "baking",
    "coffee",
    "wine",
    "gardening",
    "photography",
    "painting",
    "music",
    "guitar",
    "piano",
    "jazz",
    "podcasts",
    "reading",
    "science fiction",
    "history",
    "languages",
    "travel",
    "sailing",
    "skiing",
    "dogs",
    "cats",
    "parenting",
    "sustainability",
    "volunteering",
    "startups",
    "ai",
    "open source",
    "design",
    "film",
)
FIRST_NAMES = (
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Katrin",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Quentin",
    "Rosa",
    "Samir",
    "Tara",
    "Uwe",
    "Vera",
    "Wen",
    "Xavier",
    "Yara",
    "Zoe",
    "Aiko",
    "Bruno",
    "Chiara",
    "Diego",
    "Emre",
    "Fatima",
    "Gonçalo",
    "Hana",
    "Ivan",
    "Joana",
    "Kwame",
    "Lea",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Rui",
    "Sofia",
    "Tomás",
    "Ulla",
    "Valentina",
    "Wilhelm",
    "Yusuf",
    "Zeynep",
)
LAST_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Koch",
    "Silva",
    "Santos",
    "Ferreira",
    "Pereira",
    "Costa",
    "Oliveira",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Garcia",
    "Martinez",
    "Nguyen",
    "Kim",
    "Patel",
    "Cohen",
    "Rossi",
    "Novak",
    "Kowalski",
    "Yilmaz",
    "Okafor",
    "Tanaka",
    "Haddad",
    "Larsen",
    "Dubois",
    "Moreau",
)
DEMO_PASSWORD = "crosspaths-demo"
DEMO_LOGINS = (
    ("alice@demo.crosspaths.test", "Alice Adler", "admin"),
    ("bob@demo.crosspaths.test", "Bob Brandt", "participant"),
)


@dataclass
class DemoPerson:
    """One synthetic employee, in the roster format's terms."""

    id: str
    name: str
    email: str
    department: str
    team: str
    location: str
    timezone: str
    level: int
    manager_id: str
    start_date: date
    title: str
    languages: tuple[str, ...]
    interests: tuple[str, ...]
    active: bool = True
    tier: int = 2  # 0 head of department, 1 lead, 2 individual contributor


def _weighted(rng: random.Random, options: Sequence[tuple[object, float]]) -> object:
    values = [o for o, _ in options]
    weights = [w for _, w in options]
    return rng.choices(values, weights=weights, k=1)[0]


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """Split ``total`` by ``shares`` with largest remainders, every part at least 1."""
    raw = [total * s / sum(shares) for s in shares]
    parts = [max(1, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(parts) < total:
        parts[order[i % len(order)]] += 1
        i += 1
    while sum(parts) > total:
        j = max(range(len(parts)), key=lambda k: parts[k])
        parts[j] -= 1
    return parts


def generate_people(n: int = 300, *, seed: int = 42, today: date | None = None) -> list[DemoPerson]:
    """``n`` employees with a management tree per department; managers come before their
    reports in the list. Deterministic for the same ``n``, ``seed`` and ``today``."""
    today = today or date.today()
    rng = random.Random(seed)
    sizes = _split(n, [share for _, share in DEPARTMENTS])
    loc_options = [((name, tz, langs), share) for name, tz, share, langs in LOCATIONS]
    people: list[DemoPerson] = []
    tiers: list[list[DemoPerson]] = [[], [], []]
    counter = 0

    def make(dept: str, tier: int, manager: DemoPerson | None, team: str) -> DemoPerson:
        nonlocal counter
        counter += 1
        loc_name, tz, lang_options = _weighted(rng, loc_options)  # type: ignore[misc]  # the options are (name, zone, languages) triples
        if manager is not None and rng.random() < 0.6:
            loc_name, tz, lang_options = next(
                (name, ltz, langs) for name, ltz, _, langs in LOCATIONS if name == manager.location
            )
        languages = _weighted(rng, lang_options)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        level = {0: 7, 1: rng.choice((5, 6))}.get(tier, rng.choice((1, 2, 2, 3, 3, 3, 4, 4)))
        days = int(rng.expovariate(1 / 900)) if rng.random() > 0.08 else rng.randint(0, 89)
        person = DemoPerson(
            id=f"E{counter:06d}",
            name=f"{first} {last}",
            email=f"{first}.{last}.{counter}@demo.crosspaths.test".lower()
            .replace("ü", "ue")
            .replace("ç", "c")
            .replace("á", "a")
            .replace(" ", ""),
            department=dept,
            team=team,
            location=loc_name,
            timezone=tz,
            level=level,
            manager_id=manager.id if manager else "",
            start_date=today - timedelta(days=days + (365 if tier < 2 else 0)),
            title=TITLES[dept][{0: 2, 1: 1}.get(tier, 0)],
            languages=tuple(languages),  # type: ignore[arg-type]  # _weighted returns one of the options: a list of codes
            interests=tuple(rng.sample(INTERESTS, rng.randint(1, 5))),
            active=rng.random() > 0.01,
            tier=tier,
        )
        tiers[tier].append(person)
        return person

    for (dept, _), size in zip(DEPARTMENTS, sizes, strict=True):
        head = make(dept, 0, None, "")
        remaining = size - 1
        lead_count = max(1, round(remaining / 8)) if remaining > 0 else 0
        for t in range(lead_count):
            if remaining <= 0:
                break
            team = f"{dept} {TEAM_NAMES[t % len(TEAM_NAMES)]}" + (
                f" {t // len(TEAM_NAMES) + 1}" if t >= len(TEAM_NAMES) else ""
            )
            lead = make(dept, 1, head, team)
            remaining -= 1
            share = remaining // (lead_count - t) if lead_count - t else remaining
            for _ in range(share):
                make(dept, 2, lead, team)
                remaining -= 1
        while remaining > 0:  # a department too small for leads reports to its head
            make(dept, 2, head, "")
            remaining -= 1
    for tier in tiers:
        people.extend(tier)
    return people


def write_roster_csv(people: Iterable[DemoPerson], path: str | Path) -> None:
    """Write people in the roster CSV format (the engine CLI's and the import's input)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ROSTER_COLUMNS)
        for p in people:
            w.writerow(
                [
                    p.id,
                    p.name,
                    p.email,
                    p.department,
                    p.team,
                    p.location,
                    p.level,
                    p.manager_id,
                    p.start_date.isoformat(),
                    p.timezone,
                    ";".join(p.languages),
                    ";".join(p.interests),
                    "true" if p.active else "false",
                    p.title,
                    "",  # language: the organization's
                    LOCATION_COUNTRIES.get(p.location, ""),
                ]
            )
