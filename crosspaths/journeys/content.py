"""The journey's own e-mail: the welcome a new hire gets when their journey starts.
Each week's meeting is an ordinary introduction of the steps program's round."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from crosspaths.notify.content import Action, MessageContent, first_name
from crosspaths.notify.models import Message

from .models import Journey


def journey_of(message: Message) -> Journey | None:
    """The journey a welcome message is about (key ``journey:<id>:welcome``)."""
    try:
        journey_id = int(message.dedupe_key.split(":")[1])
    except (IndexError, ValueError):
        return None
    return (
        Journey.objects.filter(organization_id=message.organization_id, pk=journey_id)
        .select_related("plan__program__organization")
        .first()
    )


def journey_content(message: Message, language: str) -> MessageContent:
    """Welcome: what the next weeks hold (a buddy, then one colleague a week from
    another department) and where to follow the journey."""
    reader = message.person
    journey = journey_of(message)
    assert reader is not None and journey is not None, "a welcome names its journey"
    plan = journey.plan
    organization = plan.program.organization.name
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("Welcome to %(organization)s: your onboarding journey")
        % {"organization": organization},
        greeting=_("Hello %(name)s,") % {"name": first_name(reader)},
        paragraphs=(
            _(
                "welcome to %(organization)s! To help you find your way around, Crosspaths "
                "introduces you to colleagues over your first %(weeks)s weeks."
            )
            % {"organization": organization, "weeks": plan.steps},
            _(
                "This week you meet your buddy: someone from another department who has "
                "been here a while and can answer the questions nobody writes down."
            ),
            _(
                "Then, every week for %(weeks)s weeks, you meet one colleague from a "
                "department you have not met yet. Each meeting comes in its own e-mail "
                "with a suggested time, a calendar invitation and a video link."
            )
            % {"weeks": plan.weeks},
        ),
        actions=(
            Action(
                "journey",
                _("See your journey"),
                settings.SITE_URL + reverse("journeys:mine"),
                "primary",
            ),
        ),
        footer=_("You get this message because %(organization)s runs %(program)s.")
        % {"organization": organization, "program": plan.program.name},
        first_name=first_name(reader),
    )
