"""Which channel a person's messages go to: the organization's choice, the person's
own, and e-mail whenever a chat cannot reach them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crosspaths.notify.models import ChatAccount
from crosspaths.notify.selection import (
    channel_choose,
    channels_for_people,
    organization_set_channels,
    person_choose_channel,
)


@pytest.mark.parametrize(
    ("enabled", "accounts", "chosen", "expected"),
    [
        (["email"], {"slack"}, "slack", "email"),  # the organization has no Slack
        (["slack", "email"], {"slack"}, None, "slack"),  # the organization's default
        (["slack", "email"], set(), None, "email"),  # no Slack account: e-mail
        (["slack", "email"], {"slack"}, "email", "email"),  # the person's own choice
        (["slack", "teams", "email"], {"slack", "teams"}, "teams", "teams"),
        (["slack", "teams", "email"], {"teams"}, None, "teams"),  # first reachable
        (["slack", "email"], set(), "slack", "email"),  # chose Slack, not linked yet
        (["slack"], set(), None, "email"),  # e-mail is the fallback even unlisted
    ],
)
def test_a_person_gets_their_choice_else_the_organizations_first_reachable_else_email(
    enabled, accounts, chosen, expected
):
    assert channel_choose(enabled=enabled, accounts=accounts, chosen=chosen) == expected


def link(person, channel, external_id):
    ChatAccount.objects.create(
        organization=person.organization,
        person=person,
        channel=channel,
        external_id=external_id,
        linked_at=timezone.now(),
    )


def test_in_an_organization_with_slack_people_without_an_account_get_email(cast):
    organization_set_channels(organization=cast.org, channels=["slack"])
    link(cast.bob, "slack", "U0BOB")
    link(cast.chidi, "slack", "U0CHIDI")
    person_choose_channel(person=cast.chidi, channel="email")
    people = [cast.alice.pk, cast.bob.pk, cast.chidi.pk]
    assert channels_for_people(organization_id=cast.org.pk, person_ids=people) == {
        cast.alice.pk: "email",
        cast.bob.pk: "slack",
        cast.chidi.pk: "email",
    }


def test_an_organization_on_email_only_costs_one_query(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        channels = channels_for_people(organization_id=cast.org.pk, person_ids=range(10_000))
    assert set(channels.values()) == {"email"}


def test_another_organizations_slack_account_is_not_used(cast):
    organization_set_channels(organization=cast.org, channels=["slack", "email"])
    link(cast.dana, "slack", "U0DANA")
    assert channels_for_people(organization_id=cast.org.pk, person_ids=[cast.dana.pk]) == {
        cast.dana.pk: "email"
    }


def test_a_person_cannot_choose_a_channel_their_organization_has_not_enabled(cast):
    with pytest.raises(ValidationError, match="does not send messages by teams"):
        person_choose_channel(person=cast.bob, channel="teams")


def test_an_unknown_channel_is_refused_with_its_name(cast):
    with pytest.raises(ValidationError, match="Unknown channel: fax"):
        organization_set_channels(organization=cast.org, channels=["slack", "fax"])
    assert organization_set_channels(organization=cast.org, channels=["teams"]) == [
        "teams",
        "email",
    ]
