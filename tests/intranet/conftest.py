"""The intranet card's tests: Acme's intranet may frame its cards, Globex's its own."""

from __future__ import annotations

import pytest
from django.test import Client

from crosspaths.intranet.services import embed_origins_set, embed_settings_for
from crosspaths.intranet.tokens import card_token_mint

ACME_INTRANET = "https://intranet.acme.test"
GLOBEX_INTRANET = "https://globex.sharepoint.com"


@pytest.fixture(autouse=True)
def _no_cached_figures():
    """The organization card keeps its figures for five minutes; each test starts fresh
    (database ids repeat between tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def embeds(cast):
    embed_origins_set(organization=cast.org, actor=cast.alice, origins=[ACME_INTRANET])
    embed_origins_set(organization=cast.other_org, actor=cast.dana, origins=[GLOBEX_INTRANET])
    return {
        "acme": embed_settings_for(organization=cast.org),
        "globex": embed_settings_for(organization=cast.other_org),
    }


def token_for(person) -> str:
    return card_token_mint(person=person)[0]


def card(person_or_token, **extra):
    token = person_or_token if isinstance(person_or_token, str) else token_for(person_or_token)
    return Client().get("/embed/card/", {"t": token}, **extra)
