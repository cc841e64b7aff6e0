"""Which channel a person's messages go to.

Decided once, when the outbox rows are written, so that every message of one round
about one group goes out the same way and a retry never switches channel. The rule
(``channel_choose``) is a pure function; ``channels_for_people`` loads what it needs
for a whole round in at most three queries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crosspaths.people.models import Organization, Person

from .models import Channel as Ch
from .models import ChannelChoice, ChatAccount, OrganizationChannels

EMAIL = Ch.EMAIL.value


def channel_choose(*, enabled: Sequence[str], accounts: Collection[str], chosen: str | None) -> str:
    """The person's own choice if their organization enables it and they can be
    reached there; else the organization's first enabled channel they can be reached
    on; else e-mail, which needs no account and is always the fallback."""
    usable = [c for c in enabled if c == EMAIL or c in accounts]
    if chosen in usable:
        return str(chosen)
    return usable[0] if usable else EMAIL


def organization_channels(*, organization_id: int) -> list[str]:
    """The organization's enabled channels, its default first (e-mail only unless set)."""
    row = OrganizationChannels.objects.filter(organization_id=organization_id).first()
    return list(row.channels) if row else [EMAIL]


def channels_for_people(*, organization_id: int, person_ids: Iterable[int]) -> dict[int, str]:
    """Every given person's channel. An organization on e-mail only (the default)
    costs one query, whatever the number of people."""
    ids = list(person_ids)
    enabled = organization_channels(organization_id=organization_id)
    if enabled == [EMAIL]:
        return dict.fromkeys(ids, EMAIL)
    accounts: dict[int, set[str]] = {}
    for pid, channel in ChatAccount.objects.filter(
        organization_id=organization_id, person_id__in=ids
    ).values_list("person_id", "channel"):
        accounts.setdefault(pid, set()).add(channel)
    chosen = dict(
        ChannelChoice.objects.filter(
            organization_id=organization_id, person_id__in=ids
        ).values_list("person_id", "channel")
    )
    return {
        pid: channel_choose(
            enabled=enabled, accounts=accounts.get(pid, set()), chosen=chosen.get(pid)
        )
        for pid in ids
    }


def organization_set_channels(*, organization: Organization, channels: Sequence[str]) -> list[str]:
    """Enable channels for an organization, in order of preference. Unknown or repeated
    names are refused; e-mail is kept as the last resort when left out."""
    known = set(Ch.values)
    unknown = [c for c in channels if c not in known]
    if unknown:
        raise ValidationError(
            _("Unknown channel: %(names)s. Choose from %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(Ch.values)},
            code="unknown_channel",
        )
    if len(set(channels)) != len(channels):
        raise ValidationError(_("Each channel may be listed once."), code="repeated_channel")
    ordered = [*channels, *([] if EMAIL in channels else [EMAIL])]
    OrganizationChannels.objects.update_or_create(
        organization=organization, defaults={"channels": ordered}
    )
    return ordered


def person_choose_channel(*, person: Person, channel: str | None) -> None:
    """A person's own choice, one of their organization's enabled channels; None goes
    back to the organization's default. Choosing a chat they have no account on is
    allowed (the account may be linked later); until then they get e-mail."""
    if channel is None:
        ChannelChoice.objects.filter(person=person).delete()
        return
    enabled = organization_channels(organization_id=person.organization_id)
    if channel not in enabled:
        raise ValidationError(
            _("Your organization does not send messages by %(channel)s.") % {"channel": channel},
            code="channel_not_enabled",
        )
    ChannelChoice.objects.update_or_create(
        person=person, defaults={"organization_id": person.organization_id, "channel": channel}
    )
