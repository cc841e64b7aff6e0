"""Button clicks from Teams: recorded once through the check-in service, answered in
the clicker's language, never for another tenant's organization."""

from __future__ import annotations

import pytest
from django.utils import timezone

from crosspaths.meetings.models import CheckIn
from crosspaths.notify.models import ChatAccount, Message
from crosspaths.notify.services import messages_deliver, outbox_write_round
from crosspaths.programs.models import MatchMember
from crosspaths.teams.models import TeamsUser

from .conftest import ACME, GLOBEX, teams_post


@pytest.fixture
def delivered(tenants, trio, fake):
    outbox_write_round(round=trio.round, now=timezone.now())
    ids = list(Message.objects.filter(kind="intro").values_list("pk", flat=True))
    messages_deliver(message_ids=ids)
    return fake.cards()


def press(client, fake, tenant, user, verb, data):
    response = teams_post(client, fake, fake.click(tenant, user, verb, data))
    assert response.status_code == 200
    return response.json()


def card_data(posted, verb):
    (actions,) = [b for b in posted.card["body"] if b.get("id") == "crosspaths_checkin"]
    return next(a["data"] for a in actions["actions"] if a.get("verb") == verb)


def test_full_round_trip_we_met_is_recorded_once(client, fake, delivered, tenants, trio, cast):
    bobs = next(p for p in delivered if p.user_id == tenants.bob["id"])
    data = card_data(bobs, "checkin_met")
    answer = press(client, fake, ACME, tenants.bob, "checkin_met", data)
    assert answer["statusCode"] == 200
    assert answer["value"] == "Thanks! We noted that you met (Virtual coffee)."
    press(client, fake, ACME, tenants.bob, "checkin_met", data)  # a double click
    member = MatchMember.objects.get(match=trio, person=cast.bob)
    (checkin,) = CheckIn.objects.filter(member__match=trio)
    assert (checkin.member, checkin.met) == (member, True)
    press(client, fake, ACME, tenants.bob, "checkin_missed", data)  # changing the answer
    assert list(CheckIn.objects.filter(member__match=trio).values_list("met", flat=True)) == [False]


def test_skip_records_it_did_not_happen_in_the_persons_language(
    client, fake, delivered, tenants, trio, cast
):
    cast.chidi.language = "de"
    cast.chidi.save()
    answer = press(client, fake, ACME, tenants.chidi, "checkin_skip", {"match": trio.pk})
    assert "aus" in answer["value"] or "Danke" in answer["value"]
    (checkin,) = CheckIn.objects.all()
    assert checkin.member.person == cast.chidi and checkin.met is False


def test_another_tenant_can_never_answer_for_this_organization(
    client, fake, delivered, tenants, trio, cast
):
    """Dana (tenant GLOBEX) names Acme's match: nothing is recorded. An activity that
    names Acme's tenant but comes from a user Acme does not have links nobody."""
    answer = press(client, fake, GLOBEX, tenants.dana, "checkin_met", {"match": trio.pk})
    assert answer["value"] == "This introduction is not yours to answer."
    intruder = fake.add_user(GLOBEX, "bob@acme.test")  # same address, other tenant
    teams_post(client, fake, fake.installed(GLOBEX, intruder))
    press(client, fake, GLOBEX, intruder, "checkin_met", {"match": trio.pk})
    assert not CheckIn.objects.exists()
    assert TeamsUser.objects.filter(organization=cast.other_org).count() == 1  # Dana only
    assert not ChatAccount.objects.filter(organization=cast.other_org, person=cast.bob).exists()


def test_an_unknown_tenant_is_acknowledged_and_changes_nothing(client, fake, delivered, trio):
    stranger = fake.add_user("33333333-3333-4333-8333-333333333333", "bob@acme.test")
    activity = fake.click(
        "33333333-3333-4333-8333-333333333333", stranger, "checkin_met", {"match": trio.pk}
    )
    assert teams_post(client, fake, activity).status_code == 200
    assert not CheckIn.objects.exists()


def test_removing_the_app_unlinks_the_person(client, fake, tenants, cast):
    activity = fake.activity("installationUpdate", ACME, tenants.bob, action="remove")
    assert teams_post(client, fake, activity).status_code == 200
    assert not TeamsUser.objects.filter(person=cast.bob).exists()
    assert not ChatAccount.objects.filter(person=cast.bob, channel="teams").exists()


def test_propose_another_time_moves_the_meeting_for_the_organizer_only(
    client, fake, delivered, tenants, trio, cast
):
    chidis = next(p for p in delivered if p.user_id == tenants.chidi["id"])
    (actions,) = [b for b in chidis.card["body"] if b.get("id") == "crosspaths_checkin"]
    show = next(a for a in actions["actions"] if a["type"] in ("Action.ShowCard", "Action.OpenUrl"))
    if show["type"] == "Action.OpenUrl":
        pytest.skip("no free slot in this round's window")
    choices = show["card"]["body"][0]["choices"]
    start = choices[0]["value"]
    data = {"crosspaths": "propose", "match": trio.pk, "start": start}
    refused = press(client, fake, ACME, tenants.bob, "propose", data)
    assert "organizer" in refused["value"]
    done = press(client, fake, ACME, tenants.chidi, "propose", data)
    assert done["statusCode"] == 200
    trio.refresh_from_db()
    assert trio.suggested_start.isoformat() == start or trio.suggested_start.astimezone(
        __import__("zoneinfo").ZoneInfo("UTC")
    ) == __import__("datetime").datetime.fromisoformat(start)


def test_a_skip_tells_the_others_in_their_chats_as_slack_tells_the_group(
    client, fake, delivered, tenants, trio, cast
):
    before = len(fake.posted)
    answer = press(client, fake, ACME, tenants.bob, "checkin_skip", {"match": trio.pk})
    assert answer["value"] == "You skip this round; we told the others."
    told = [p for p in fake.posted[before:] if not p.activity.get("attachments")]
    assert [(p.user_id, p.activity["text"]) for p in told] == [
        (tenants.chidi["id"], "Bob Brandt skips this round.")
    ]  # Alice has no app: nothing; Bob himself: only the answer
