"""The content's links (the match page, the unsubscribe link) are written from the
view's pattern cut at a sample argument instead of through ``reverse`` each time
(notify/content.py ``_url``, for the delivery's CPU): the same URLs as ``reverse``
for random numbers and signed tokens, and ``reverse`` itself for anything else."""

import random
import string

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from crosspaths.notify import content
from crosspaths.notify.unsubscribe import unsubscribe_token


def test_links_are_the_urls_reverse_writes(settings):
    rng = random.Random(4)
    alphabet = string.ascii_letters + string.digits + "_.:-/%?#& é~"
    for _ in range(3_000):
        pk = rng.choice([0, 1, rng.randint(0, 10**12)])
        assert content._url("match", pk) == settings.SITE_URL + reverse("match", args=[pk])
        token = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        if "/" not in token:
            expected = reverse("mail:unsubscribe", args=[token])
            assert content._url("mail:unsubscribe", token) == settings.SITE_URL + expected
    for pk in range(50):
        token = unsubscribe_token(person_id=pk, program_id=pk + 1, leave=pk % 2 == 0)
        expected = reverse("mail:unsubscribe", args=[token])
        assert content._url("mail:unsubscribe", token) == settings.SITE_URL + expected
    assert content._around.cache_info().hits > 1000  # the patterns were used


def test_an_argument_the_view_does_not_take_still_fails():
    with pytest.raises(NoReverseMatch):
        content._url("match", "not-a-number")
    with pytest.raises(NoReverseMatch):
        content._url("match", -1)


def test_a_script_prefix_is_part_of_the_link():
    from django.urls import set_script_prefix

    before = content._url("match", 7)
    set_script_prefix("/crosspaths/")
    try:
        assert content._url("match", 7).endswith("/crosspaths/matches/7/")
    finally:
        set_script_prefix("/")
    assert content._url("match", 7) == before


@override_settings(SITE_URL="https://elsewhere.test")
def test_the_site_url_is_read_each_time():
    assert content._url("match", 7) == "https://elsewhere.test/matches/7/"
