"""The e-mail channel writes most headers itself instead of through the e-mail
package's folding (channels/email.py, ``_BytesGenerator``), and whole messages of its
usual shape without building the e-mail package's tree (channels/mime.py), for speed.
These tests hold both to the library: every kind of e-mail comes out byte for byte as
the stock ``BytesGenerator`` writes the same message object, the direct writer gives
the library's bytes for thousands of random messages, and the short cut's rule never
takes a header the library would have written differently."""

import itertools
import random
import string
from datetime import UTC, datetime
from email import generator, policy
from io import BytesIO

import pytest
import time_machine

from crosspaths.notify.channels import email as email_channel
from crosspaths.notify.channels import mime
from crosspaths.notify.channels.email import _Email, _Multipart, render
from crosspaths.notify.channels.mime import fits_one_line, message_bytes
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
        if fits_one_line(name, value):
            taken += 1
            assert folded.fold_binary(name, value) == f"{name}: {value}\r\n".encode()
    assert taken > 1000  # the rule is not so strict it takes nothing


def test_the_long_headers_are_folded_as_the_library_folds_them():
    from email.header import Header

    library = policy.compat32.clone(linesep="\r\n")
    rng = random.Random(21)  # the same strings every run
    alphabet = string.ascii_letters + string.digits + " \t;,=<>@.\"'()-:/é_~%?&"
    unbroken = alphabet.replace(" ", "").replace("\t", "").replace(";", "").replace(",", "")
    taken = {"multipart": 0, "moved": 0, "subject": 0}
    for _ in range(20_000):
        name = rng.choice(["Content-Type", "List-Unsubscribe", "Subject", "X-" + "a" * 60])
        if rng.random() < 0.3:
            subtype = rng.choice(["mixed", "alternative", "related", "x" * rng.randint(30, 70)])
            digits = "".join(rng.choice("0123456789abcdef") for _ in range(40))
            value = f'multipart/{subtype}; boundary="==============={digits}=="'
            value = value if rng.random() < 0.9 else value.replace("=", rng.choice(" ;,é"), 1)
        else:
            value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 100)))
            if rng.random() < 0.3:  # no place to break, up to well past a line's 998
                value = "".join(rng.choice(unbroken) for _ in range(rng.randint(60, 1200)))
            if rng.random() < 0.5:
                value = "<https://crosspaths.example/mail/unsubscribe/" + value.strip() + "/>"
        written = mime.folded(name, value)
        if written is not None:
            taken["multipart" if value.startswith("multipart/") else "moved"] += 1
            assert written == library.fold_binary(name, value), (name, value)
        if name == "Subject" and fits_one_line(name, value):  # _top_headers' short cut
            taken["subject"] += 1
            assert Header(value).encode() == value
    assert min(taken.values()) > 300  # each rule is taken often


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


def _boundaries():
    counter = itertools.count()
    return lambda: f"==============={next(counter):040x}=="


def _both(monkeypatch, email) -> tuple[bytes | None, bytes]:
    """The direct writer's bytes and the library's, with the same boundaries and Date."""
    direct = message_bytes(email, _boundaries())
    monkeypatch.setattr(email_channel, "boundary", _boundaries())
    return direct, email.message().as_bytes(linesep="\r\n")


@time_machine.travel(datetime(2026, 12, 2, 6, 0, tzinfo=UTC), tick=False)
@pytest.mark.parametrize("kind", ["intro", "reminder", "checkin"])
def test_the_direct_writer_gives_the_library_s_bytes_for_each_kind(published, kind, monkeypatch):
    for message in Message.objects.filter(kind=kind, channel="email"):  # English, German
        direct, library = _both(monkeypatch, render(message_content(message), message))
        assert direct is not None
        assert direct == library


_WORDS = ["Grüße", "Jürgen", "Groß", "Zoë", "naïve", "coffee", "Kaffee", "😀", "a", "—", "€"]
_ASCII = string.ascii_letters + string.digits + " ,.:;!?'\"()<>&=-/@#%"


def _text(rng: random.Random, length: int) -> str:
    out = []
    for _ in range(length):
        roll = rng.random()
        if roll < 0.1:
            out.append(rng.choice(_WORDS))
        elif roll < 0.15:
            out.append(rng.choice(["\n", "\r\n", "\r", "\n\n"]))
        else:
            out.append(rng.choice(_ASCII))
    return "".join(out)


def _random_email(rng: random.Random) -> _Email:
    name = rng.choice(["Bob Brandt", "Jürgen Groß", "Zoë O'Neil", "", '"Doe, Jane"', "Ana"])
    address = rng.choice(["bob@acme.test", "j.gross@example.com", "zoe+x@acme.test"])
    subject = rng.choice(
        [
            _text(rng, rng.randint(0, 40)).replace("\r", "").replace("\n", ""),
            "Virtual coffee: you meet " + ", ".join(rng.sample(_WORDS, 3)),
            "Kaffeepause: du triffst " + "Jürgen Groß und " * rng.randint(1, 8),
            "A long subject in plain ASCII " * rng.randint(2, 5),
        ]
    )
    body = _text(rng, rng.randint(1, 600))
    if rng.random() < 0.05:
        body += "x" * rng.randint(990, 1010)  # around the 998-octet line limit
    email = _Email(
        subject=" ".join(subject.split()),
        body=body,
        from_email=rng.choice(["Crosspaths <crosspaths@acme.test>", "Crosspäths <c@acme.test>"]),
        to=[f"{name} <{address}>" if name else address],
        reply_to=rng.sample(
            ["bob@acme.test", "Jürgen <j@acme.test>", "a@b.test"], rng.randint(0, 2)
        ),
        headers={
            "Message-ID": f"<crosspaths.{rng.randint(1, 10**7)}@acme.test>",
            "X-Crosspaths-Message": f"intro:{rng.randint(1, 999)}:{rng.randint(1, 999)}",
            "Auto-Submitted": "auto-generated",
        },
    )
    if rng.random() < 0.7:
        email.extra_headers["List-Unsubscribe"] = (
            "<https://acme.test/u/" + "x" * rng.randint(0, 90) + ">"
        )
        email.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.attach_alternative(_text(rng, rng.randint(0, 800)), "text/html")
    if rng.random() < 0.2:  # a reminder, a check-in: no invitation
        return email
    ics = _text(rng, rng.randint(1, 400)).replace("\n", "\r\n")
    method = rng.choice(["REQUEST", "CANCEL", "PUBLISH"])
    email.attach_alternative(ics, f"text/calendar; method={method}")
    data = ics.encode() + rng.choice(
        [b"", b"\r\n", b"\n", bytes(rng.randrange(256) for _ in range(9))]
    )
    email.attach("invite.ics", data, "application/ics")
    return email


@time_machine.travel(datetime(2026, 12, 2, 6, 0, tzinfo=UTC), tick=False)
def test_the_direct_writer_gives_the_library_s_bytes_for_random_messages(monkeypatch):
    rng = random.Random(13)  # the same messages every run
    written = handed_back = 0
    for i in range(2_000):
        email = _random_email(rng)
        direct, library = _both(monkeypatch, email)
        if direct is None:
            handed_back += 1
            continue
        written += 1
        assert direct == library, i
    assert written > 1_800  # nearly all are the usual shape
    assert handed_back > 20  # the 998-octet lines went to the library


def test_the_direct_writer_hands_unusual_messages_to_the_library():
    email = _Email(subject="s", body="text", to=["a@b.test"])
    assert message_bytes(email, _boundaries()) is None  # no alternative, no attachment
    email.attach_alternative("<p>text</p>", "text/html")
    email.attach("notes.txt", "plain text", "text/plain")  # a text attachment
    assert message_bytes(email, _boundaries()) is None
    email.attachments = []
    email.attach("invite.ics", b"BEGIN:VCALENDAR\r\n", "application/ics")
    assert message_bytes(email, _boundaries()) is not None
    email.alternatives[0] = email.alternatives[0]._replace(mimetype="text/html; charset=latin-1")
    assert message_bytes(email, _boundaries()) is None  # a second charset


def test_a_plain_recipient_is_taken_as_sanitize_address_would_write_it():
    from django.core.mail.message import sanitize_address

    from crosspaths.notify.channels.email import _recipient

    rng = random.Random(13)
    names = ["Bob Brandt", "Ana", "Jürgen Groß", '"Doe, Jane"', "A B C D", "x" * 25, "O'Neil", ""]
    locals_ = ["bob", "j.gross", "zoe+x", "a..b", ".a", "Ümit", "a_b-c", "x" * 45, '"q"']
    domains = ["acme.test", "ACME.test", "bücher.de", "a-b.example.com", "x" * 64 + ".de", "b"]
    domains += ["xn--bcher-kva.de", "-a.test", "a.b.c.d.e"]
    plain = 0
    for _ in range(5_000):
        spec = f"{rng.choice(locals_)}@{rng.choice(domains)}"
        name = rng.choice(names)
        address = f"{name} <{spec}>" if name else spec
        try:
            expected = sanitize_address(address, "utf-8")
        except ValueError:
            expected = None
        if expected is None:
            assert not email_channel._PLAIN_ADDRESS.fullmatch(address), address
            continue
        assert _recipient(address, "utf-8") == expected, address
        plain += bool(email_channel._PLAIN_ADDRESS.fullmatch(address))  # the short cut
    assert plain > 100  # taken often


def test_data_without_dots_to_stuff_reaches_the_server_as_smtplib_sends_it(mailbox):
    """``_SMTP.data`` skips smtplib's dot-stuffing when no line starts with ``.``;
    whatever the message, a real server must get the same content from it as from
    smtplib itself: random messages with and without leading dots, lone CRs and LFs,
    with and without a final line end."""
    import smtplib

    from crosspaths.notify.channels.email import _SMTP

    rng = random.Random(2821)
    pieces = [b"Subject: x\r\n\r\n", b"text", b"\r\n", b"\n", b"\r", b" ", b"\xc3\xa9"]

    def piece() -> bytes:
        return rng.choice([b".", b".."] if rng.random() < 0.03 else pieces)

    messages = [b"Subject: x\r\n\r\nbody\r\n", b"Subject: x\r\n\r\n.\r\n", b".\r\nlead"]
    messages += [b"".join(piece() for _ in range(rng.randint(1, 60))) for _ in range(300)]
    quick, plain = _SMTP("127.0.0.1", mailbox.port), smtplib.SMTP("127.0.0.1", mailbox.port)
    for message in messages:
        quick.sendmail("a@example.com", ["b@example.com"], message)
        plain.sendmail("a@example.com", ["b@example.com"], message)
    quick.quit()
    plain.quit()
    sent = mailbox.raw
    assert len(sent) == 2 * len(messages)
    assert sent[0::2] == sent[1::2]
    stuffed = sum(m.startswith(b".") or b"\n." in m for m in messages)
    assert 50 < stuffed < len(messages) - 50  # both ways were taken often
