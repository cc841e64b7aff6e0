"""The bridges tests' cast: two teams on different continents.

Platform works in Berlin (08:00-16:00 UTC), Support in Singapore (01:00-09:00 UTC: one
hour in common with Berlin) and, for Support's Kiri, in Auckland (20:00-04:00 UTC:
nothing in common with Berlin, so she is reported, never matched)."""

from __future__ import annotations

import pytest

from crosspaths.people.models import Person, Team
from tests.cast import Cast, make_person


def _member(cast: Cast, team: Team, email: str, name: str, zone: str, **kw: object) -> Person:
    return make_person(cast.org, email, name, team=team, timezone=zone, languages=["en"], **kw)


@pytest.fixture
def teams(cast):  # type: ignore[no-untyped-def]
    platform = Team.objects.create(organization=cast.org, name="Platform")
    support = Team.objects.create(organization=cast.org, name="Support")
    berlin = [
        _member(cast, platform, f"{n.lower()}@acme.test", f"{n} Berg", "Europe/Berlin")
        for n in ("Paula", "Pit", "Petra")
    ]
    singapore = [
        _member(cast, support, "sam@acme.test", "Sam Tan", "Asia/Singapore"),
        _member(cast, support, "siti@acme.test", "Siti Lim", "Asia/Singapore", language="de"),
        _member(cast, support, "kiri@acme.test", "Kiri Ngata", "Pacific/Auckland"),
    ]
    return platform, support, berlin, singapore
