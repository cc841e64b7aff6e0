"""What the ask and the "did it help?" messages say (``notify.content`` builders for the
kinds ``ask`` and ``follow_up``, registered in ``apps.py``), and when a queued one is
no longer sent. They use the generic e-mail layout (``emails/_content``); in Slack and
Teams the answer buttons call back with the link's token (``chat_answers``)."""

# Typographic quotes and dashes are meant: they are shown to people.
# ruff: noqa: RUF001

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths.notify.content import Action, MessageContent, first_name
from crosspaths.notify.models import Message
from crosspaths.programs.wording import join_words

from .models import Ask, PerspectiveRequest
from .tokens import ask_token, follow_up_token


def _id_in(message: Message) -> int | None:
    """The ask's (or request's) id in the row's key ``<kind>:perspective<id>`` (or
    ``follow_up:unfilled<id>``, the notice that nobody could take a request)."""
    head = message.dedupe_key.split("@", 1)[0]
    try:
        return int(head.split(":", 1)[1].removeprefix("perspective").removeprefix("unfilled"))
    except (IndexError, ValueError):
        return None


def _is_unfilled_notice(message: Message) -> bool:
    return message.dedupe_key.startswith(f"{Message.Kind.FOLLOW_UP.value}:unfilled")


def _ask(message: Message) -> Ask | None:
    pk = _id_in(message)
    if pk is None:
        return None
    return (
        Ask.objects.filter(pk=pk, organization_id=message.organization_id)
        .select_related("request__requester__department", "person")
        .first()
    )


def _request(message: Message) -> PerspectiveRequest | None:
    pk = _id_in(message)
    if pk is None:
        return None
    return (
        PerspectiveRequest.objects.filter(pk=pk, organization_id=message.organization_id)
        .select_related("match")
        .first()
    )


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def skip_reason(message: Message) -> str:
    """An ask goes out while it is still waiting for an answer; "did it help?" while
    the requester has not said so yet."""
    if message.kind == Message.Kind.ASK:
        ask = _ask(message)
        if ask is None:
            return "The request was deleted before the ask went out; not sent."
        if ask.status != Ask.Status.ASKED:
            return f"The ask is {ask.status} already; not sent."
        return ""
    request = _request(message)
    if _is_unfilled_notice(message):
        if request is None or request.status != PerspectiveRequest.Status.UNFILLED:
            return "The request is no longer unfilled; not sent."
        return ""
    if request is None or request.status != PerspectiveRequest.Status.SCHEDULED:
        return "The request has no session (deleted or changed); not sent."
    if request.helped is not None:
        return "The requester already said whether it helped; not sent."
    return ""


def ask_content(message: Message, language: str) -> MessageContent:
    """A colleague asks for your outside perspective: who, on what, why you, what it
    takes, and a yes and a no link that need no sign-in."""
    ask = _ask(message)
    assert ask is not None and message.person is not None, "skipped before building"
    request, reader = ask.request, message.person
    requester = request.requester
    token = ask_token(ask.pk)
    dept = requester.department.name if requester.department else ""
    who = (
        _("%(name)s (%(department)s)") % {"name": requester.name, "department": dept}
        if dept
        else requester.name or requester.email
    )
    paragraphs = [
        _("%(who)s would like an outside perspective – early feedback or a brainstorm – on:")
        % {"who": who},
        f"“{request.topic}”",
    ]
    if request.details:
        paragraphs.append(request.details)
    fitting = sorted(set(request.tags or []) & {str(x).lower() for x in reader.interests or []})
    if fitting:
        paragraphs.append(
            _("We thought of you because of your interests: %(tags)s.")
            % {"tags": join_words(fitting)}
        )
    paragraphs.append(
        ngettext(
            "It takes 45 minutes by video with %(name)s and %(others)s other colleague, "
            "before %(date)s. Once enough people said yes, we suggest a time that suits "
            "everyone and send the invitation.",
            "It takes 45 minutes by video with %(name)s and up to %(others)s other "
            "colleagues, before %(date)s. Once enough people said yes, we suggest a time "
            "that suits everyone and send the invitation.",
            request.people_wanted - 1,
        )
        % {
            "name": first_name(requester),
            "others": request.people_wanted - 1,
            "date": formats.date_format(request.needed_by, "DATE_FORMAT"),
        }
        if request.people_wanted > 1
        else _(
            "It takes 45 minutes by video with %(name)s, before %(date)s. If you say yes, "
            "we suggest a time that suits you both and send the invitation."
        )
        % {
            "name": first_name(requester),
            "date": formats.date_format(request.needed_by, "DATE_FORMAT"),
        }
    )
    paragraphs.append(_("A no is fine: we then ask someone else, and nobody is told who declined."))
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("%(name)s asks for your outside perspective") % {"name": first_name(requester)},
        greeting=_("Hello %(name)s,") % {"name": first_name(reader)},
        paragraphs=tuple(paragraphs),
        actions=(
            Action(
                "perspective_yes",
                _("Yes, I'll give my view"),
                _url("perspective:ask_link", token, "yes"),
                "primary",
                answer=token,
            ),
            Action(
                "perspective_no",
                _("Not this time"),
                _url("perspective:ask_link", token, "no"),
                answer=token,
            ),
        ),
        footer=_(
            "You get this because you said you give outside perspectives. Change that, or "
            "how often you are asked, on %(url)s."
        )
        % {"url": _url("perspective:index")},
        first_name=first_name(reader),
    )


def unfilled_content(message: Message, language: str) -> MessageContent:
    """Nobody could take the request: say so kindly, and how to try again."""
    request = _request(message)
    assert request is not None and message.person is not None, "skipped before building"
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("Nobody could take your request this time"),
        greeting=_("Hello %(name)s,") % {"name": first_name(message.person)},
        paragraphs=(
            _(
                "we asked every colleague who fits “%(topic)s”, but nobody could take it "
                "before %(date)s."
            )
            % {
                "topic": request.topic,
                "date": formats.date_format(request.needed_by, "DATE_FORMAT"),
            },
            _("Try again with broader interests, more time, or fewer people."),
        ),
        actions=(Action("again", _("Ask again"), _url("perspective:new"), "primary"),),
        footer=_("You get this because you asked for an outside perspective on Crosspaths."),
        first_name=first_name(message.person),
    )


def follow_up_content(message: Message, language: str) -> MessageContent:
    """After the session: did the outside perspective help? Two one-click answers."""
    if _is_unfilled_notice(message):
        return unfilled_content(message, language)
    request = _request(message)
    assert request is not None and message.person is not None, "skipped before building"
    token = follow_up_token(request.pk)
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("Did the outside perspective help?"),
        greeting=_("Hello %(name)s,") % {"name": first_name(message.person)},
        paragraphs=(
            _("you met colleagues from other fields about “%(topic)s”. Did it help?")
            % {"topic": request.topic},
            _(
                "One click is enough. Your answer is counted only together with everyone "
                "else's, to show whether outside perspectives are worth it."
            ),
        ),
        actions=(
            Action(
                "perspective_helped",
                _("Yes, it helped"),
                _url("perspective:follow_up", token, "yes"),
                "primary",
                answer=token,
            ),
            Action(
                "perspective_not_helped",
                _("Not really"),
                _url("perspective:follow_up", token, "no"),
                answer=token,
            ),
        ),
        footer=_("You get this because you asked for an outside perspective on Crosspaths."),
        first_name=first_name(message.person),
    )
