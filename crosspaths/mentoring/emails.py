"""The monthly mentoring nudge (``Message.Kind.MENTORING``), as content every channel
renders (``notify/content.py``); the e-mail uses the generic content templates."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from crosspaths.notify.content import (
    Action,
    MessageContent,
    display_name,
    first_name,
    members_of,
)
from crosspaths.notify.models import Message
from crosspaths.programs.wording import join_words

from .services import add_months, cycle_of, nudge_month


def nudge_content(message: Message, language: str) -> MessageContent:
    """Month k of a cycle: have you met your mentor this month? Two buttons on the
    mentoring page record the answer; the next meeting's idea comes with it."""
    match, reader = message.match, message.person
    assert match is not None and reader is not None
    month = nudge_month(message)
    cycle = cycle_of(match)
    others = [m.person for m in members_of(match) if m.person_id != reader.pk]
    names = join_words([display_name(p) for p in others])
    url = settings.SITE_URL + reverse("mentoring:mine", args=[cycle.program_id])
    last = month >= cycle.months
    paragraphs = [
        _("month %(month)s of %(months)s of your mentoring with %(names)s has passed.")
        % {"month": month, "months": cycle.months, "names": names},
        _(
            "The cycle ends on %(date)s. Did you two meet this month? One click on the "
            "mentoring page tells us; only the program's organizers see the count."
        )
        % {"date": formats.date_format(cycle.ends_on, "DATE_FORMAT")}
        if not last
        else _(
            "This was the last month: the cycle ends today. Did you meet this month? "
            "Thank your mentor, and tell us on the mentoring page."
        ),
    ]
    if not last:
        paragraphs.append(
            _("Not met yet? Propose a time now; %(date)s is a good date to aim for.")
            % {
                "date": formats.date_format(
                    add_months(cycle.starts_on, month + 1)
                    if month + 1 <= cycle.months
                    else cycle.ends_on,
                    "DATE_FORMAT",
                )
            }
        )
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("%(program)s: month %(month)s with %(names)s")
        % {"program": cycle.program.name, "month": month, "names": names},
        greeting=_("Hello %(name)s,") % {"name": first_name(reader)},
        paragraphs=tuple(paragraphs),
        actions=(Action("answer", _("Tell us how it goes"), url, "primary"),),
        footer=_("You get this message because you take part in %(program)s.")
        % {"program": cycle.program.name},
        first_name=first_name(reader),
    )
