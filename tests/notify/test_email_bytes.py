"""The e-mail channel writes most headers itself instead of through the e-mail
package's folding (channels/email.py, ``_BytesGenerator``), for speed. These tests
hold it to the library: every kind of e-mail comes out byte for byte as the stock
``BytesGenerator`` writes the same message object, and the short cut's rule never
takes a header the library would have written differently."""

import random
import string
from email import generator, policy
from io import BytesIO

import pytest

from crosspaths.notify.channels.email import _fits_one_line, _Multipart, render
from crosspaths.notify.content import message_content
from crosspaths.notify.models import Message


def _stock_bytes(msg) -> bytes:
    fp = BytesIO()
    generator.BytesGenerator(fp, mangle_from_=False).flatten(msg, linesep="\r\n")
    return fp.getvalue()


@pytest.mark.parametrize("kind", ["intro", "reminder", "checkin"])
def test_each_kind_is_written_exactly_as_the_e_mail_package_writes_it(published, kind):
    messages = list(Message.objects.filter(kind=kind, channel="email"))
    assert len(messages) == 2  # Chidi in English, Bob in German
    for message in messages:
        msg = render(message_content(message), message).message()
        assert type(msg) is _Multipart
        fast = msg.as_bytes(linesep="\r\n")
        assert fast == _stock_bytes(msg)
        assert f"X-Crosspaths-Message: {message.dedupe_key}\r\n".encode() in fast


def test_a_long_or_non_ascii_subject_still_takes_the_library_s_folding(published):
    message = Message.objects.filter(kind="intro").first()
    email = render(message_content(message), message)
    email.subject = "Grüße aus dem Büro: " + "ein sehr langer Betreff " * 6
    msg = email.message()
    fast = msg.as_bytes(linesep="\r\n")
    assert fast == _stock_bytes(msg)
    assert b"Subject: \r\n =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_dem_B=C3=BCro" in fast  # folded


def test_the_short_cut_never_takes_a_header_the_library_would_change():
    folded = policy.compat32.clone(linesep="\r\n")
    rng = random.Random(13)  # the same strings every run
    alphabet = string.ascii_letters + string.digits + " \t;,=<>@.\"'()-:/é"
    taken = 0
    for _ in range(20_000):
        name = rng.choice(["To", "Subject", "Message-ID", "List-Unsubscribe-Post"])
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))
        if _fits_one_line(name, value):
            taken += 1
            assert folded.fold_binary(name, value) == f"{name}: {value}\r\n".encode()
    assert taken > 1000  # the rule is not so strict it takes nothing


def test_the_smtp_backend_parses_the_sender_as_django_does(settings):
    from django.core.mail.message import sanitize_address

    from crosspaths.notify.channels.email import EmailTransport, _sanitized, _SMTPBackend

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert type(EmailTransport().connection) is _SMTPBackend
    for address in [
        "Crosspaths <noreply@crosspaths.example>",
        "Jürgen Groß <jg@example.com>",
        "plain@example.com",
        '"Doe, Jane" <jane@example.com>',
    ]:
        for encoding in ["utf-8", "iso-8859-1"]:
            assert _sanitized(address, encoding) == sanitize_address(address, encoding)
            assert _sanitized(address, encoding) == sanitize_address(address, encoding)
