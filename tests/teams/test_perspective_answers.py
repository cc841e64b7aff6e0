"""An outside-perspective ask for someone on Teams: a card whose buttons call back
(Action.Execute, or Action.Submit from an older client), answered in Teams through
the e-mail links' services, never by another person or tenant."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.perspective.models import Ask
from crosspaths.perspective.services import giver_save, request_create

from .conftest import ACME, GLOBEX, teams_post


@pytest.fixture
def asked(tenants, cast, fake):
    giver_save(person=cast.chidi, active=True, monthly_cap=2)  # the one colleague to ask
    request = request_create(
        requester=cast.bob,
        topic="A chess club for new hires",
        tags=["chess"],
        people_wanted=1,
        needed_by=date(2026, 12, 11),
    )
    ask = request.asks.get()
    assert ask.person == cast.chidi
    assert Message.objects.get(kind="ask").channel == "teams"
    ids = list(Message.objects.filter(kind="ask").values_list("pk", flat=True))
    messages_deliver(message_ids=ids)
    (posted,) = fake.cards()
    assert posted.user_id == tenants.chidi["id"]
    actions = {a["id"]: a for a in posted.card["actions"]}
    return ask, actions


def press(client, fake, tenant, user, verb, data):
    response = teams_post(client, fake, fake.click(tenant, user, verb, data))
    assert response.status_code == 200
    return response.json()["value"]


def test_the_ask_card_answers_yes_in_teams(client, fake, tenants, asked):
    ask, actions = asked
    yes = actions["perspective_yes"]
    assert yes["type"] == "Action.Execute" and "url" not in yes
    answer = press(client, fake, ACME, tenants.chidi, yes["verb"], yes["data"])
    assert answer.startswith("Thank you! The session is set up")
    ask.refresh_from_db()
    assert ask.status == Ask.Status.ACCEPTED


def test_an_older_clients_action_submit_answers_no(client, fake, tenants, asked):
    ask, actions = asked
    activity = fake.activity(
        "message", ACME, tenants.chidi, value=actions["perspective_no"]["data"]
    )
    assert teams_post(client, fake, activity).status_code == 200
    ask.refresh_from_db()
    assert ask.status == Ask.Status.DECLINED


def test_a_replayed_or_forged_answer_from_another_person_or_tenant_changes_nothing(
    client, fake, tenants, asked
):
    ask, actions = asked
    data = actions["perspective_yes"]["data"]
    assert press(client, fake, ACME, tenants.bob, "perspective_yes", data) == (
        "This answer is not yours to give."
    )
    assert press(client, fake, GLOBEX, tenants.dana, "perspective_yes", data) == (
        "This answer is not yours to give."
    )
    forged = {**data, "answer": data["answer"][:-2] + "xx"}
    assert press(client, fake, ACME, tenants.chidi, "perspective_yes", forged) == (
        "This answer is not yours to give."
    )
    ask.refresh_from_db()
    assert ask.status == Ask.Status.ASKED
