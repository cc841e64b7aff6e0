from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.notify.services import outbox_write_round
from crosspaths.programs.models import Match, MatchMember, Program, Round

BERLIN = ZoneInfo("Europe/Berlin")
PUBLISHED = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def published(cast):
    """A published round of Virtual coffee: Chidi (organizer) meets Bob, who reads
    German, on Wednesday 2026-12-02 at 10:00 Berlin time; the messages are written."""
    cast.bob.language = "de"
    cast.bob.save()
    program = Program.objects.create(
        organization=cast.org, name="Virtual coffee", format="virtual_coffee"
    )
    rnd = Round.objects.create(
        organization=cast.org,
        program=program,
        date=date(2026, 11, 30),
        status="published",
        published_at=PUBLISHED,
    )
    start = datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)
    match = Match.objects.create(
        organization=cast.org,
        round=rnd,
        organizer=cast.chidi,
        suggested_start=start,
        suggested_end=start + timedelta(minutes=30),
        video_link="https://meet.jit.si/crosspaths-0123456789abcdef0123456789abcdef",
        reasons=[
            {
                "code": "different_departments",
                "text": "from different departments: Engineering and People",
                "params": {"departments": ["Engineering", "People"]},
            },
            {
                "code": "shared_interests",
                "text": "something to talk about: chess",
                "params": {"interests": ["chess"]},
            },
        ],
    )
    for p in (cast.chidi, cast.bob):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=p)
    outbox_write_round(round=rnd, now=timezone.now())
    return match


def ids(kind: str) -> list[int]:
    return list(Message.objects.filter(kind=kind).values_list("pk", flat=True))


@pytest.fixture
def fresh_templates():
    """Templates loaded anew before and after: folding (translated.py) and skeletons
    (skeleton.py) are kept on the loader's template objects."""
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    yield
    loader.reset()
