"""How the console words a refused hand edit.

Refusals are translated by ``crosspaths.programs.organizer_wording``; the console
changes one thing: a refusal because of a blocked pair does not say who asked, since
"please don't pair me with" is private to the person who asked.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def refusal_texts(errors: Iterable[ValidationError]) -> list[str]:
    """One sentence per broken hard rule, in the active language."""
    texts = []
    for error in errors:
        if error.code == "blocked_pair":
            texts.append(
                _("Two of these people must not be matched with each other (a private wish).")
            )
        else:
            texts.extend(error.messages)
    return list(dict.fromkeys(texts))
