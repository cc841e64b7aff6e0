"""Writes about meetings: a member's check-in ("we met" / "it did not happen")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths.programs.hooks import webhook_events
from crosspaths.programs.models import MatchMember, Round

from .models import CheckIn


def checkin_ensure_open(*, member: MatchMember) -> None:
    """Raise ValidationError unless the member's round can be answered (published or
    closed: people can only say they met once they were told whom to meet)."""
    status = Round.objects.filter(pk=member.round_id).values_list("status", flat=True).first()
    if status not in (Round.Status.PUBLISHED, Round.Status.CLOSED):
        raise ValidationError(_("This round has not been published yet."))


@transaction.atomic
def checkin_record(
    *, member: MatchMember, met: bool, rating: int | None = None, comment: str = ""
) -> CheckIn:
    """Store a member's answer, or change it: answering twice keeps one check-in, so a
    double click or a second e-mail link is harmless. Only published or closed rounds
    can be answered; a rating is 1 to 5 or nothing."""
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    checkin_ensure_open(member=member)
    before = _happened(member.match_id)
    checkin, _created = CheckIn.objects.update_or_create(
        member=member,
        defaults={
            "organization_id": member.organization_id,
            "met": met,
            "rating": rating if met else None,
            "comment": comment.strip()[:2000],
        },
    )
    after = _happened(member.match_id)
    if after != before:
        rnd = Round.objects.values_list("pk", "program_id").get(pk=member.round_id)
        webhook_events.emit(
            organization_id=member.organization_id,
            type="checkin.recorded",
            data={
                "match_id": member.match_id,
                "round_id": rnd[0],
                "program_id": rnd[1],
                "happened": after,
            },
        )
    return checkin


def _happened(match_id: int) -> bool | None:
    """The group's answer as insights count it: it happened when anyone said "we met",
    it did not when members answered and none said so, unknown without answers. Only
    this, and only when it changes, goes to webhooks: never who answered what, a
    rating or a comment (docs/webhooks.md)."""
    answers = set(CheckIn.objects.filter(member__match_id=match_id).values_list("met", flat=True))
    if not answers:
        return None
    return True in answers
