"""Plain-language words for a program's rules and the engine's weights (a person's own
answers are ``people/preferences.py``).

An HR admin should not have to know that ``different_department`` weighs 10.0. Each
soft preference is one sentence with three answers (strongly / somewhat / don't care)
that scale the engine's default weight; each hard rule is one sentence.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crosspaths.matching.types import Weights

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise  # only in django-stubs

DEFAULTS: dict[str, float] = {f.name: f.default for f in fields(Weights)}  # type: ignore[misc]  # every weight has a float default

STRONGLY, SOMEWHAT, DONT_CARE = "strongly", "somewhat", "dont_care"
LEVELS: dict[str, float] = {STRONGLY: 2.0, SOMEWHAT: 1.0, DONT_CARE: 0.0}
LEVEL_CHOICES = [
    (STRONGLY, _("strongly")),
    (SOMEWHAT, _("somewhat")),
    (DONT_CARE, _("don't care")),
]

# One sentence per weight, in the engine's order of importance.
SENTENCES: dict[str, StrPromise] = {
    "different_department": _("Prefer people from different departments"),
    "never_met": _("Prefer people who have never met before"),
    "different_location": _("Prefer people from different offices (virtual formats only)"),
    "different_team": _("Prefer people from different teams of the same department"),
    "level_distance": _("Prefer people whose levels are at most two apart"),
    "shared_interest": _("Prefer people who share an interest, as a conversation starter"),
    "new_hire_with_tenured": _(
        "Prefer putting new hires together with colleagues who have been here over a year"
    ),
    "waited": _("Let people who were left out of an earlier round go first"),
}
assert set(SENTENCES) == set(DEFAULTS), "every engine weight needs a sentence"


def weight_value(key: str, level: str) -> float:
    return DEFAULTS[key] * LEVELS[level]


def weight_level(key: str, weights: dict[str, float]) -> str:
    """The answer a stored weight corresponds to (a custom value set elsewhere reads as
    the nearest answer)."""
    value = float(weights.get(key, DEFAULTS[key]))
    if value <= 0:
        return DONT_CARE
    return STRONGLY if value >= 1.5 * DEFAULTS[key] else SOMEWHAT


def hard_rules(*, group_size: int, cooldown_weeks: int, in_person: bool) -> list[str]:
    """The rules the engine never breaks, each in one sentence."""
    rules = [
        ngettext(
            "Groups have %(size)d person; one more joins when the numbers don't divide.",
            "Groups have %(size)d people; one more joins when the numbers don't divide.",
            group_size,
        )
        % {"size": group_size},
        ngettext(
            "Two people who met are not matched again within %(weeks)d week.",
            "Two people who met are not matched again within %(weeks)d weeks.",
            cooldown_weeks,
        )
        % {"weeks": cooldown_weeks}
        if cooldown_weeks
        else str(_("People who met may be matched again in the very next round.")),
        str(_("Nobody is matched with their own manager or direct report.")),
        str(_("Nobody is matched with someone they asked not to meet.")),
        str(_("Everyone in a group shares at least one language.")),
    ]
    if in_person:
        rules.append(str(_("Everyone in a group works at the same location.")))
    else:
        rules.append(str(_("Everyone's working hours overlap by at least an hour.")))
    return rules
