"""Check-in tokens: signed, single-purpose, expiring."""

import pytest
from django.core import signing

from crosspaths.meetings.tokens import BadToken, checkin_member_id, checkin_token


def test_a_token_names_its_member():
    assert checkin_member_id(checkin_token(42)) == 42


def test_an_altered_token_is_refused():
    token = checkin_token(42)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    with pytest.raises(BadToken) as e:
        checkin_member_id(forged)
    assert not e.value.expired


def test_a_token_signed_for_another_purpose_is_refused():
    other = signing.dumps({"m": 42}, salt="crosspaths.something-else")
    with pytest.raises(BadToken):
        checkin_member_id(other)


def test_an_old_token_has_expired(settings, monkeypatch):
    token = checkin_token(42)
    settings.CHECKIN_LINK_MAX_AGE_DAYS = 30
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 24 * 3600)
    with pytest.raises(BadToken) as e:
        checkin_member_id(token)
    assert e.value.expired
