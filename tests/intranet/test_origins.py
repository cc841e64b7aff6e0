from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from crosspaths.intranet.origins import origin_clean, origins_clean


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("https://intranet.example.com", "https://intranet.example.com"),
        ("  HTTPS://Intranet.Example.COM/ ", "https://intranet.example.com"),
        ("https://acme.sharepoint.com:8443", "https://acme.sharepoint.com:8443"),
        ("https://wiki.acme.test", "https://wiki.acme.test"),
    ],
)
def test_it_keeps_scheme_host_and_port_in_lower_case(text, origin):
    assert origin_clean(text, allow_http=False) == origin


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("http://intranet.example.com", "must start with https://"),
        ("intranet.example.com", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("https://intranet.example.com/sites/home", "has a path"),
        ("https://intranet.example.com/?a=1", "has a path"),
        ("https://*.sharepoint.com", "needs a host name"),
        ("https://user:pw@intranet.example.com", "needs a host name"),
        ("https://intra net.example.com", "needs a host name"),
        ("https://intranet.example.com:99999", "is not a web address"),
        ("https://x.test; script-src *", "needs a host name"),
    ],
)
def test_it_refuses_what_is_not_an_https_origin_saying_why(text, says):
    with pytest.raises(ValidationError) as e:
        origin_clean(text, allow_http=False)
    assert says in e.value.messages[0]


def test_plain_http_is_allowed_only_when_the_settings_say_so():
    assert origin_clean("http://localhost:8701", allow_http=True) == "http://localhost:8701"
    with pytest.raises(ValidationError):
        origin_clean("http://localhost:8701", allow_http=False)


def test_a_list_names_every_bad_line_and_drops_blank_lines_and_repeats():
    assert origins_clean("https://a.test\n\nhttps://A.test/\nhttps://b.test", allow_http=False) == [
        "https://a.test",
        "https://b.test",
    ]
    with pytest.raises(ValidationError) as e:
        origins_clean("https://a.test\nhttp://b.test\nhttps://c.test/x", allow_http=False)
    assert [m.split(":")[0] for m in e.value.messages] == ["Line 2", "Line 3"]
