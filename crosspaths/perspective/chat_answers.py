"""The ask's yes/no and the requester's "did it help?" answered with chat buttons
(Slack, Teams): the buttons carry the e-mail links' signed tokens, and a click counts
only for the person the token's ask (or request) belongs to, in the organization of
the workspace or tenant it came from. The writes are the e-mail links' services
(``ask_answer``, ``request_feedback``). Registered in ``notify.chat_answers`` by
``apps.py``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crosspaths.people.models import Person

from . import services
from .models import Ask, PerspectiveRequest
from .tokens import BadToken, ask_id_of, request_id_of

ASK_ANSWERS = {"perspective_yes": True, "perspective_no": False}
FOLLOW_UP_ANSWERS = {"perspective_helped": True, "perspective_not_helped": False}
CODES = (*ASK_ANSWERS, *FOLLOW_UP_ANSWERS)


def _expired_or_forged(error: BadToken) -> str:
    if error.expired:
        return _("This button has expired; answer on Crosspaths instead.")
    return _("This answer is not yours to give.")


def perspective_answer(*, person: Person, code: str, answer: str) -> str:
    """The clicker's reply; nothing changes unless the token is valid and names their
    own ask (or their own request)."""
    try:
        if code in ASK_ANSWERS:
            return _ask_answer(person, answer, ASK_ANSWERS[code])
        return _follow_up_answer(person, answer, FOLLOW_UP_ANSWERS[code])
    except BadToken as error:
        return _expired_or_forged(error)


def _ask_answer(person: Person, token: str, accept: bool) -> str:
    ask = (
        Ask.objects.filter(
            pk=ask_id_of(token), organization_id=person.organization_id, person=person
        )
        .select_related("request__requester")
        .first()
    )
    if ask is None:
        return _("This answer is not yours to give.")
    try:
        services.ask_answer(ask=ask, accept=accept)
    except ValidationError as error:
        return " ".join(error.messages)
    if not accept:
        return _("We ask someone else; nobody is told who declined.")
    if ask.request.status == PerspectiveRequest.Status.SCHEDULED:
        return _(
            "Thank you! The session is set up: the invitation with the time and the "
            "video link is on its way."
        )
    return _(
        "%(name)s will be glad. Once enough colleagues said yes you get the invitation "
        "with a time and a video link."
    ) % {"name": ask.request.requester.name}


def _follow_up_answer(person: Person, token: str, helped: bool) -> str:
    request = PerspectiveRequest.objects.filter(
        pk=request_id_of(token), organization_id=person.organization_id, requester=person
    ).first()
    if request is None:
        return _("This answer is not yours to give.")
    try:
        services.request_feedback(request=request, helped=helped)
    except ValidationError as error:
        return " ".join(error.messages)
    if helped:
        return _("Glad the outside perspective helped.")
    return _("Thanks for telling us; it helps us suggest better people.")
