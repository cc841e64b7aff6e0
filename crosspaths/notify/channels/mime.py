"""An outgoing e-mail's bytes written directly, as the e-mail package would write them.

Django's ``EmailMultiAlternatives.message()`` builds a tree of ``email.mime`` objects
(each part sets, re-reads and rewrites its Content-Type and encodes its payload), and
the e-mail package's generator walks it again to write the bytes: together a quarter of
a worker's CPU per e-mail. The channel's e-mails always have one shape: a
``multipart/mixed`` holding a ``multipart/alternative`` (the text, the HTML, the
calendar invitation) and the invitation as a base64 attachment. ``message_bytes``
writes that shape from the message's fields in one pass, following the library's
rules step by step (header values through Django's ``forbid_multi_line_headers``,
headers that may need folding through ``compat32``'s folding, ``7bit``/``8bit`` by
content, parameters appended as ``set_param`` does, line ends made CRLF). Anything
else (another charset, a line over 998 octets, a MIME object as attachment, an
unusual parameter) returns None, and the caller takes the library's path.
``tests/notify/test_email_bytes.py`` compares both over many random messages.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from email import policy as email_policy
from email.utils import formatdate, make_msgid
from typing import Any

from django.conf import settings
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    EmailAttachment,
    forbid_multi_line_headers,
)
from django.core.mail.utils import DNS_NAME

_POLICY = email_policy.compat32.clone(linesep="\r\n")
_NEWLINES = re.compile(r"\r\n|\r|\n")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")  # a parameter written as set_param quotes it
_ADDRESS_HEADERS = ("from", "to", "cc", "reply-to")


def fits_one_line(name: str, value: object) -> bool:
    """Whether ``compat32`` would write this header unchanged on one line: plain
    printable ASCII, single spaces, no edge whitespace, within 78 characters. Such a
    value goes through ``email.header.Header``'s folding untouched (checked against
    it in tests/notify/test_email_bytes.py), so writing it directly gives the same
    bytes."""
    return (
        isinstance(value, str)
        and len(name) + 2 + len(value) <= 78
        and value.isascii()
        and value.isprintable()
        and value == value.strip()
        and "  " not in value
    )


# A multipart Content-Type with a boundary of ``email.boundary()``'s form.
_MULTIPART = re.compile(r'(multipart/[a-z]{1,40};) (boundary="={15}[0-9a-f]{40}==")')
_SPLITS = re.compile(r"[\s;,]")  # where compat32's folding may break a line


def folded(name: str, value: str) -> bytes | None:
    """``compat32``'s folding of the two long headers every e-mail has, written
    directly (the ``Header`` folding algorithm costs more than the rest of the header
    block), or None to leave the value to it: a multipart Content-Type breaks before
    its boundary; a value without a space, ``;`` or ``,`` (a List-Unsubscribe link)
    too long for the first line moves whole to the next, however long (the library
    has nowhere to break it). Checked against the library
    in tests/notify/test_email_bytes.py."""
    if not (value.isascii() and value.isprintable()):
        return None
    multipart = _MULTIPART.fullmatch(value)
    if multipart is not None:
        if name == "Content-Type" and len(multipart[1]) + 14 <= 78:
            return f"{name}: {multipart[1]}\r\n {multipart[2]}\r\n".encode("ascii")
        return None
    too_long = len(name) + 2 + len(value) > 78
    if too_long and len(name) < 70 and _SPLITS.search(value) is None:
        return f"{name}: \r\n {value}\r\n".encode("ascii")
    return None


def header_bytes(items: Iterable[tuple[str, Any]]) -> bytes:
    """A part's header block and the empty line after it, as the generator writes it
    with ``compat32`` and CRLF line ends."""
    out = []
    for name, value in items:
        if fits_one_line(name, value):
            out.append(f"{name}: {value}\r\n".encode("ascii"))
        else:
            out.append(
                (isinstance(value, str) and folded(name, value)) or _POLICY.fold_binary(name, value)
            )
    out.append(b"\r\n")
    return b"".join(out)


def message_bytes(email: Any, boundary: Callable[[], str]) -> bytes | None:
    """The bytes ``email.message().as_bytes(linesep="\\r\\n")`` gives, or None when the
    message is not of the shape written here. ``boundary`` is called for the
    ``mixed`` part (if there are attachments) first and then the ``alternative`` one,
    the order in which ``_Email.message()`` walks the library's tree to set them."""
    if not _known_shape(email):
        return None
    alternatives: list[bytes] = []
    for content, mimetype in [(email.body, "text/plain"), *email.alternatives]:
        part = _text_part(content, mimetype)
        if part is None:
            return None
        alternatives.append(part)
    files: list[bytes] = []
    for attachment in email.attachments:
        part = _file_part(attachment)
        if part is None:
            return None
        files.append(part)
    if not files:  # Django wraps the alternatives in "mixed" only for attachments
        return _multipart_bytes("alternative", boundary(), alternatives, _top_headers(email))
    mixed, alternative = boundary(), boundary()
    inner = _multipart_bytes("alternative", alternative, alternatives, [])
    return _multipart_bytes("mixed", mixed, [inner, *files], _top_headers(email))


def _known_shape(email: Any) -> bool:
    return (
        (email.encoding or settings.DEFAULT_CHARSET) == "utf-8"
        and email.content_subtype == "plain"
        and email.mixed_subtype == "mixed"
        and email.alternative_subtype == "alternative"
        and isinstance(email.body, str)
        and bool(email.body)
        and bool(email.alternatives)
    )


def _top_headers(email: Any) -> list[tuple[str, str]]:
    """The top-level headers in the order and form ``EmailMessage.message()`` sets
    them (each through ``forbid_multi_line_headers``, as ``SafeMIMEMultipart`` does)."""
    headers: list[tuple[str, str]] = []

    def put(name: str, value: Any) -> None:
        headers.append(forbid_multi_line_headers(name, value, "utf-8"))

    extra = email.extra_headers
    if type(email.subject) is str and fits_one_line("Subject", email.subject):
        # Header(subject).encode() gives such a subject back as it is (tested).
        headers.append(("Subject", email.subject))
    else:
        put("Subject", email.subject)
    put("From", extra.get("From", email.from_email))
    for name, values in (("To", email.to), ("Cc", email.cc), ("Reply-To", email.reply_to)):
        if name in extra:
            put(name, extra[name])
        elif values:
            put(name, ", ".join(str(v) for v in values))
    names = [key.lower() for key in extra]
    if "date" not in names:
        put("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME))
    if "message-id" not in names:
        put("Message-ID", make_msgid(domain=DNS_NAME))
    for name, value in extra.items():
        if name.lower() not in _ADDRESS_HEADERS:
            put(name, value)
    return headers


def _text_part(text: object, mimetype: str) -> bytes | None:
    """A ``SafeMIMEText`` in UTF-8: ``7bit`` or ``8bit`` by content (quoted-printable,
    for lines over 998 octets, is left to the library), extra parameters appended to
    the Content-Type as ``set_param`` does, which moves that header last."""
    base, _, param_text = mimetype.partition(";")
    kind, _, subtype = base.strip().partition("/")
    if kind != "text" or not isinstance(text, str) or not _TOKEN.fullmatch(subtype):
        return None
    lines = text.splitlines()  # no line of 249 characters or fewer can exceed 998 octets
    if max(map(len, lines), default=0) * 4 > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
        len(line.encode(errors="surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for line in lines
    ):
        return None
    try:
        body = _NEWLINES.sub("\r\n", text).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the library raises its own error
        return None
    content_type = f'text/{subtype}; charset="utf-8"'
    cte = ("Content-Transfer-Encoding", "7bit" if text.isascii() else "8bit")
    params = _params(param_text)
    if params is None:
        return None
    if params:
        content_type += "".join(f'; {name}="{value}"' for name, value in params)
        headers = [("MIME-Version", "1.0"), cte, ("Content-Type", content_type)]
    else:
        headers = [("Content-Type", content_type), ("MIME-Version", "1.0"), cte]
    return header_bytes(headers) + body


def _params(text: str) -> list[tuple[str, str]] | None:
    """``name=value`` pairs as ``_Email._create_mime_attachment`` sets them, when each
    is a new plain token (a second charset or an unusual value goes to the library)."""
    params: list[tuple[str, str]] = []
    for param in filter(None, (p.strip() for p in text.split(";"))):
        name, _, value = param.partition("=")
        name, value = name.strip(), value.strip()
        seen = {"charset", *(n.lower() for n, _ in params)}
        if not _TOKEN.fullmatch(name) or name.lower() in seen or not _TOKEN.fullmatch(value):
            return None
        params.append((name, value))
    return params


def _file_part(attachment: object) -> bytes | None:
    """A file attached with ``attach(filename, bytes, mimetype)`` that is neither text
    nor a message: ``MIMEBase`` with the payload in base64 (76-character lines) and
    the Content-Disposition that names the file."""
    if not isinstance(attachment, EmailAttachment):  # a MIME object attached as is
        return None
    filename, content, mimetype = attachment
    if not isinstance(filename, str) or not _TOKEN.fullmatch(filename):
        return None
    kind, _, subtype = (mimetype or "").partition("/")
    if kind in ("text", "message") or not _TOKEN.fullmatch(kind) or not _TOKEN.fullmatch(subtype):
        return None
    if not isinstance(content, bytes) or not content:
        return None
    encoded = base64.encodebytes(content)  # email.encoders.encode_base64
    headers = [
        ("Content-Type", f"{kind}/{subtype}"),
        ("MIME-Version", "1.0"),
        ("Content-Transfer-Encoding", "base64"),
        ("Content-Disposition", f'attachment; filename="{filename}"'),
    ]
    return header_bytes(headers) + encoded.replace(b"\n", b"\r\n")


def _multipart_bytes(
    subtype: str, boundary: str, parts: list[bytes], headers: list[tuple[str, str]]
) -> bytes:
    """A ``SafeMIMEMultipart`` with these parts: its own two headers, then the given
    ones, then the parts between the boundary lines as ``Generator._handle_multipart``
    writes them (no preamble, no epilogue)."""
    line = boundary.encode("ascii")
    own = [
        ("Content-Type", f'multipart/{subtype}; boundary="{boundary}"'),
        ("MIME-Version", "1.0"),
    ]
    return header_bytes(own + headers) + (
        b"--"
        + line
        + b"\r\n"
        + (b"\r\n--" + line + b"\r\n").join(parts)
        + b"\r\n--"
        + line
        + b"--\r\n"
    )
