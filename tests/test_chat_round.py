"""Issue 14's "done when": a full round of the demo organization delivered to Slack,
to Teams and by e-mail (the fake Slack Web API, the fake Bot Connector and a real SMTP
server on loopback), the check-in buttons clicked back through signed requests, a
double click among them: each check-in is recorded once, the round's insights count
exactly the answers clicked, and nobody got their introduction twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from crosspaths import clock
from crosspaths.demo.loader import load_demo_organization
from crosspaths.insights.models import RoundFigures
from crosspaths.insights.tasks import round_aggregate
from crosspaths.meetings.models import CheckIn
from crosspaths.notify.models import Message
from crosspaths.notify.selection import organization_set_channels
from crosspaths.notify.services import messages_deliver
from crosspaths.notify.tasks import deliver_messages
from crosspaths.people.models import Person
from crosspaths.programs import scheduling
from crosspaths.programs.models import MatchMember, Program
from crosspaths.programs.services import round_draft, round_publish
from crosspaths.slack.services import slack_link_people
from crosspaths.teams import auth, connector
from crosspaths.teams.services import teams_connect
from tests.mailbox import free_port
from tests.slack.conftest import SIGNING_SECRET, click_body, install, slack_post
from tests.slack.fake_slack import FakeSlack, blocks_error
from tests.teams.conftest import teams_post
from tests.teams.fake_teams import FakeTeams, card_errors

TEAM = "T0NORTHWIND"
TENANT = "33333333-3333-4333-8333-333333333333"
FORM = "application/x-www-form-urlencoded"
INTRO_KINDS = ("intro", "left_out")


@pytest.fixture
def slack(settings):
    server = FakeSlack(clock=lambda: clock.now().timestamp(), port=free_port()).start()
    settings.SLACK_API_URL = server.api_url
    settings.SLACK_CLIENT_ID, settings.SLACK_CLIENT_SECRET = server.client_id, server.client_secret
    settings.SLACK_SIGNING_SECRET = SIGNING_SECRET
    settings.SLACK_TIMEOUT_SECONDS = 5
    yield server
    server.stop()


@pytest.fixture
def teams(settings):
    server = FakeTeams(clock=lambda: clock.now().timestamp(), port=free_port()).start()
    settings.TEAMS_APP_ID, settings.TEAMS_APP_PASSWORD = server.app_id, server.app_password
    settings.TEAMS_TOKEN_URL = server.token_url
    settings.TEAMS_OPENID_URL = server.openid_url
    settings.TEAMS_TIMEOUT_SECONDS = 5
    auth.forget_keys()
    connector.forget_tokens()
    yield server
    server.stop()
    auth.forget_keys()
    connector.forget_tokens()


def deliver_until_done(ids: list[int]) -> None:
    """Retry whatever a rate limit held back, moving the clock on as a worker would."""
    at = clock.now()
    for _ in range(20):
        if not Message.objects.filter(pk__in=ids, status="queued").exists():
            return
        at += timedelta(seconds=61)
        with time_machine.travel(at, tick=True):
            messages_deliver(message_ids=ids)
    raise AssertionError("introductions still queued after 20 minutes of retries")


@pytest.mark.django_db
def test_a_demo_round_goes_to_slack_teams_and_email_and_the_clicks_come_back_once(
    slack, teams, mailbox, django_capture_on_commit_callbacks
):
    org = load_demo_organization(people=40, slug="northwind-chat", with_logins=True)
    people = list(Person.objects.filter(organization=org, active=True).order_by("pk"))
    on_slack = {p.pk for i, p in enumerate(people) if i % 3 == 0}
    on_teams = {p.pk for i, p in enumerate(people) if i % 3 == 1}

    # Slack: the workspace installed, a third of the people found there by e-mail.
    install(slack, org, TEAM, "Northwind Slack")
    slack_user = {p.pk: slack.add_user(TEAM, p.email.upper()) for p in people if p.pk in on_slack}
    # Teams: the tenant claimed, another third install the app (linked by e-mail).
    admin = next(p for p in people if p.role == "admin")
    teams_connect(organization=org, tenant_id=TENANT, actor=admin)
    teams_user = {
        p.pk: teams.add_user(TENANT, p.email, name=p.name) for p in people if p.pk in on_teams
    }
    client = Client()
    for user in teams_user.values():
        assert teams_post(client, teams, teams.installed(TENANT, user)).status_code == 200
    organization_set_channels(organization=org, channels=["slack", "teams", "email"])
    report = slack_link_people(organization=org)
    assert report.found == len(on_slack)

    # A real round: drafted by the engine and published through the program services;
    # publishing hands the introductions to the delivery task when it commits.
    coffee = Program.objects.get(organization=org, group_size=2)
    day = scheduling.next_date_after(coffee, clock.now())
    assert day is not None
    rnd = round_draft(program=coffee, on=day)
    before = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    slack.storm(3, retry_after=5)  # both platforms ask to wait at first: delayed, never doubled
    teams.storm(3, retry_after=5)
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=rnd)
    assert Message.objects.filter(match__round=rnd, kind="intro", status="queued").exists()
    ids = list(
        Message.objects.filter(pk__gt=before, kind__in=INTRO_KINDS).values_list("pk", flat=True)
    )
    deliver_until_done(ids)
    assert set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}
    assert sum(1 for _m, code in slack.calls if code == 429) == 3
    assert sum(1 for _r, code in teams.calls if code == 429) == 3

    members = list(MatchMember.objects.filter(round=rnd).select_related("person"))
    matched = {m.person_id for m in members}
    match_of = {m.person_id: m.match_id for m in members}
    assert matched & on_slack and matched & on_teams and matched - on_slack - on_teams

    # Slack: one group conversation per match with Slack members, one post in each,
    # valid Block Kit with the buttons naming that match.
    posts = slack.messages()
    assert Counter(p.channel for p in posts).most_common(1)[0][1] == 1
    channel_of: dict[int, str] = {}
    for posted in posts:
        assert blocks_error(posted.body) == ""
        (actions,) = [b for b in posted.body["blocks"] if b.get("block_id") == "crosspaths_checkin"]
        (value,) = {
            e["value"] for e in actions["elements"] if e["type"] == "button" and "url" not in e
        }
        channel_of[int(value)] = posted.channel
    slack_matches = {match_of[pid] for pid in matched & on_slack}
    assert set(channel_of) == slack_matches and len(posts) == len(slack_matches)
    opened = Counter(u for (_team, users) in slack.conversations for u in users)
    assert opened == Counter(slack_user[pid] for pid in matched & on_slack)

    # Teams: one card in each Teams member's chat, never two.
    cards = teams.cards()
    got = Counter(p.user_id for p in cards)
    assert got == Counter(teams_user[pid]["id"] for pid in matched & on_teams)
    card_of = {}
    for posted in cards:
        assert card_errors(posted.card) == []
        card_of[posted.user_id] = posted.card

    # E-mail: exactly one introduction to each matched person on neither chat.
    by_mail = {p.email.lower() for p in people if p.pk in matched - on_slack - on_teams}
    to = Counter(rcpt.lower() for _from, rcpts in mailbox.envelopes for rcpt in rcpts)
    assert set(to) == by_mail  # the demo's earlier round was never delivered here
    assert all(to[address] == 1 for address in to)

    # Running the delivery task again sends nothing.
    deliver_messages.call(message_ids=ids)
    assert (len(slack.messages()), len(teams.cards())) == (len(posts), len(cards))

    # The clicks: on Slack the first member of every Slack match answers, every third
    # "it didn't happen"; on Teams likewise; one double click on each side.
    answers: dict[int, bool] = {}
    slack_clickers = sorted(
        {min(p for p in matched & on_slack if match_of[p] == m) for m in slack_matches}
    )
    for i, pid in enumerate(slack_clickers):
        action = "checkin_missed" if i % 3 == 2 else "checkin_met"
        times = 2 if i == 0 else 1
        for _ in range(times):
            body = click_body(
                TEAM, slack_user[pid], action, str(match_of[pid]), channel_of[match_of[pid]]
            )
            assert slack_post(client, "/slack/interactions", body, FORM).status_code == 200
        answers[pid] = action == "checkin_met"
    teams_clickers = sorted(p for p in matched & on_teams if p not in {q for q in answers})
    for i, pid in enumerate(teams_clickers[: max(2, len(teams_clickers) - 1)]):
        verb = "checkin_missed" if i % 3 == 1 else "checkin_met"
        user = teams_user[pid]
        (block,) = [b for b in card_of[user["id"]]["body"] if b.get("id") == "crosspaths_checkin"]
        data = next(a["data"] for a in block["actions"] if a.get("verb") == verb)
        assert data["match"] == match_of[pid]
        for _ in range(2 if i == 0 else 1):
            response = teams_post(client, teams, teams.click(TENANT, user, verb, data))
            assert response.status_code == 200 and response.json()["statusCode"] == 200
        answers[pid] = verb == "checkin_met"
    assert True in answers.values() and False in answers.values()

    recorded = dict(
        CheckIn.objects.filter(member__round=rnd).values_list("member__person_id", "met")
    )
    assert recorded == answers  # one check-in per clicker, the answer clicked
    assert CheckIn.objects.filter(member__round=rnd).count() == len(answers)

    # The insights: the round's figures count exactly those answers.
    round_aggregate.call(round_id=rnd.pk)
    figures = RoundFigures.objects.get(round=rnd, location__isnull=True)
    by_match: dict[int, list[bool]] = {}
    for pid, met in answers.items():
        by_match.setdefault(match_of[pid], []).append(met)
    matches = {m.match_id for m in members}
    assert figures.matches == len(matches)
    assert figures.answers == len(answers)
    assert figures.no_shows == sum(1 for met in answers.values() if not met)
    assert figures.happened == sum(1 for mets in by_match.values() if any(mets))
    assert figures.not_happened == sum(1 for mets in by_match.values() if not any(mets))
    assert figures.unanswered == len(matches) - len(by_match)

    # Still nothing sent twice once the clicks were answered.
    assert Counter(p.channel for p in slack.messages()).most_common(1)[0][1] == 1
    assert Counter(p.user_id for p in teams.cards()) == got

    # The check-ins after the slots: whoever answered with a button is not asked again;
    # everyone else is asked once, on their channel.
    checkins = Message.objects.filter(match__round=rnd, kind="checkin")
    due = max(checkins.values_list("next_attempt_at", flat=True)) + timedelta(minutes=1)
    slack_before, teams_before, mail_before = len(slack.messages()), len(cards), len(to)
    with time_machine.travel(due, tick=True):
        messages_deliver(message_ids=list(checkins.values_list("pk", flat=True)))
        deliver_until_done(list(checkins.values_list("pk", flat=True)))
    status = dict(checkins.values_list("person_id", "status"))
    assert status == {pid: "skipped" if pid in answers else "sent" for pid in matched}
    asked = matched - set(answers)
    assert asked & on_teams and asked - on_slack - on_teams
    assert len(slack.messages()) - slack_before == len(asked & on_slack)
    new_cards = Counter(p.user_id for p in teams.cards()[teams_before:])
    assert new_cards == Counter(teams_user[pid]["id"] for pid in asked & on_teams)
    mailed = Counter(
        rcpt.lower() for _f, rcpts in mailbox.envelopes[mail_before:] for rcpt in rcpts
    )
    assert mailed == Counter(p.email.lower() for p in people if p.pk in asked - on_slack - on_teams)
