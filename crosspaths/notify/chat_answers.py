"""Answers given with a chat button (not a link): a message's ``Action`` with an
``answer`` becomes a button that calls back, and the chat apps hand the click here.

The apps that write such messages sit on the chat apps' floor and may not be imported
by them (pyproject's import-linter layers), so each registers its action codes from
its ``ready`` (as ``notify.content.BUILDERS``); Slack's and Teams' inbound code
dispatch by the code alone. The chat app has found the clicking person in the
organization the workspace or tenant belongs to; the handler checks that the signed
answer names something of that person's, as the e-mail link's page checks its token.
"""

from __future__ import annotations

from collections.abc import Callable

from crosspaths.people.models import Person

# code -> handler(person=, code=, answer=) -> the sentence shown to the clicker.
ChatAnswer = Callable[..., str]
HANDLERS: dict[str, ChatAnswer] = {}


def chat_answer_register(codes: tuple[str, ...], handler: ChatAnswer) -> None:
    for code in codes:
        HANDLERS[code] = handler


def is_chat_answer(code: str) -> bool:
    return code in HANDLERS


def chat_answer(*, person: Person, code: str, answer: str) -> str | None:
    """The reply to a click on the button ``code`` carrying ``answer``, in the active
    language; None when no app registered the code (not an answer button)."""
    handler = HANDLERS.get(code)
    if handler is None:
        return None
    return handler(person=person, code=code, answer=answer)
