"""The e-mail channel: a ``MessageContent`` through the subject, text and HTML
templates of its kind (``templates/emails/<kind>/``), with the calendar invitation
attached, sent over SMTP (Django's mail backend).

The templates place the match's details themselves (they predate the content object
and their output is kept as it was); a kind without templates of its own (a future
announcement) uses ``templates/emails/_content/``, which lays out the content's
paragraphs, facts and actions.
"""

from __future__ import annotations

import contextlib
import queue
import re
import secrets
import smtplib
import threading
from datetime import timedelta
from email import generator
from email import policy as email_policy
from email.mime.text import MIMEText
from email.utils import parseaddr
from functools import lru_cache
from io import BytesIO
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends import smtp
from django.core.mail.message import SafeMIMEMultipart, sanitize_address
from django.template.loader import select_template
from django.utils import translation

from ..content import Attachment, MessageContent
from ..models import Message
from . import skeleton, translated
from .mime import fits_one_line, message_bytes


def template_context(content: MessageContent) -> dict[str, Any]:
    """What the templates expect, taken from the content (never from the database)."""
    context: dict[str, Any] = {"content": content, "site_url": settings.SITE_URL}
    context.update({f"{a.code}_url": a.url for a in content.actions})
    d = content.match
    if d is None:
        return context
    context.update(
        first_name=content.first_name,
        program={"name": d.program},
        other_names=d.other_names,
        organizer=None if d.organizer_name is None else {"name": d.organizer_name},
        is_organizer=d.is_organizer,
        reasons=list(d.reasons),
        starter=d.starter,
        slot=d.slot,
        timezone=d.timezone,
        video_link=d.video_link,
        location=d.location,
        in_person=d.in_person,
        duration=d.duration,
        other_times=list(d.other_times),
        match_url=d.url,
    )
    return context


def _render(content: MessageContent) -> tuple[str, str, str]:
    """Subject, text and HTML, each from its template's skeleton for the content's
    shape (``skeleton.py``) when the context allows one."""
    context = template_context(content)
    try:
        stand_ins: skeleton.StandIns | None = skeleton.StandIns(context)
    except skeleton.Unsupported:
        stand_ins = None
    subject, text, html = (
        skeleton.render(
            _template(f"emails/{content.kind}/{part}", f"emails/_content/{part}"),
            context,
            stand_ins,
        )
        for part in ("subject.txt", "body.txt", "body.html")
    )
    return " ".join(subject.split()), text, html


def _template(*names: str) -> Any:
    """The first of these templates, its constant ``{% translate %}`` tags folded."""
    template = select_template(list(names))
    translated.fold(template.template)
    return template


def render(content: MessageContent, message: Message) -> EmailMultiAlternatives:
    """The e-mail for one outbox row: headers stable per row (a receiving server can
    drop a duplicate), both parts in the reader's language, attachments."""
    host = urlparse(settings.SITE_URL).hostname or "crosspaths.invalid"
    person = message.person
    assert person is not None, "an e-mail always has a person as recipient"
    with translation.override(content.language):
        subject, text, html = _render(content)
    email = _Email(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{person.name} <{person.email}>" if person.name else person.email],
        reply_to=list(content.reply_to),
        headers={
            "Message-ID": f"<crosspaths.{message.pk}@{host}>",
            "X-Crosspaths-Message": message.dedupe_key,
            "Auto-Submitted": "auto-generated",
        },
    )
    if content.unsubscribe_url:  # RFC 2369 and RFC 8058: the provider's button POSTs
        email.extra_headers["List-Unsubscribe"] = f"<{content.unsubscribe_url}>"
        email.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.attach_alternative(html, "text/html")
    for attachment in content.attachments:
        if attachment.content_type == "text/calendar":
            _attach_invitation(email, attachment)
            continue
        subtype = attachment.content_type.split("/", 1)[1]
        part = MIMEText(attachment.data.decode("utf-8"), subtype, "utf-8")
        for name, value in attachment.params.items():
            part.set_param(name, value)
        part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
        email.attach(part)
    return email


def _attach_invitation(email: EmailMultiAlternatives, invitation: Attachment) -> None:
    """An iMIP message (RFC 6047) laid out as Google Calendar sends its own: the
    calendar object as the third alternative of the body, ``text/calendar`` with the
    same ``method`` as its METHOD property, which Outlook, Gmail and Apple Mail show as
    a meeting request with answer buttons; and the same file once more as an
    ``application/ics`` attachment, which clients that ignore the alternative part
    (some webmail, mobile viewers) offer to open, and which iMIP-aware clients do not
    process a second time because it is not ``text/calendar``."""
    params = "".join(f"; {name}={value}" for name, value in invitation.params.items())
    email.attach_alternative(invitation.data.decode("utf-8"), f"text/calendar{params}")
    email.attach(invitation.filename, invitation.data, "application/ics")


def boundary() -> str:
    """A multipart boundary: 160 random bits in the e-mail package's own form."""
    return f"==============={secrets.token_hex(20)}=="


class _Email(EmailMultiAlternatives):
    """Django's message, taught MIME type parameters on an alternative part
    (``text/calendar; method=REQUEST``): Django splits the type at the slash only."""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        """Each multipart gets a random 160-bit boundary now: left to the e-mail
        package, it compiles a regular expression per part to check its guess against
        the whole text, a twentieth of an e-mail's CPU."""
        msg = super().message(*args, **kwargs)
        for part in msg.walk():
            if part.is_multipart() and part.get_boundary() is None:
                part.set_boundary(boundary())
        if type(msg) is SafeMIMEMultipart:  # always: the HTML part makes it multipart
            msg.__class__ = _Multipart
        return msg

    def _create_mime_attachment(self, content, mimetype):
        base, _, params = mimetype.partition(";")
        part = super()._create_mime_attachment(content, base.strip())  # type: ignore[misc]  # Django's private hook, not in django-stubs
        for param in filter(None, (p.strip() for p in params.split(";"))):
            name, _, value = param.partition("=")
            part.set_param(name.strip(), value.strip())
        return part


class _BytesGenerator(generator.BytesGenerator):
    """The e-mail package's generator, with a short cut for the common header: the
    ``compat32`` folding builds a ``Header`` object and runs the RFC 2822 folding
    algorithm for each of an e-mail's ~27 headers, about a third of an e-mail's MIME
    CPU, to return the value as it was in nearly every case. Headers that might fold
    or need encoding take the library's path as before."""

    def _write_headers(self, msg: Any) -> None:
        policy = self.policy
        if policy is None or policy.linesep != "\r\n" or policy.max_line_length != 78:
            super()._write_headers(msg)  # type: ignore[misc]  # private to the e-mail package, not in typeshed
            return
        write = self._fp.write  # type: ignore[attr-defined]  # the Generator's output file (private)
        for name, value in msg.raw_items():
            if fits_one_line(name, value):
                write(f"{name}: {value}\r\n".encode("ascii"))
            else:
                write(policy.fold_binary(name, value))
        self.write(self._NL)  # type: ignore[attr-defined]  # the Generator's line end (private)


class _Multipart(SafeMIMEMultipart):
    """Django's top-level part, flattened by ``_BytesGenerator`` for SMTP."""

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:  # type: ignore[override]  # the stub's as_bytes takes a policy; Django's SMTP backend passes linesep
        if self.policy is not email_policy.compat32:
            return super().as_bytes(unixfrom=unixfrom, linesep=linesep)
        fp = BytesIO()
        _BytesGenerator(fp, mangle_from_=False).flatten(self, unixfrom=unixfrom, linesep=linesep)
        return fp.getvalue()


_SMTP_BACKEND = f"{__name__}._SMTPBackend"


class NotTried(Exception):
    """The sender stopped before this message: the server could not be reached."""


class _Sender:
    """Sends a batch's e-mails over one SMTP connection in a thread of its own, in the
    order they were handed over, so the worker builds the next message while the
    server answers this one (MAIL, RCPT, DATA and the message are four waits for a
    reply; smtplib does not pipeline). Touches no database: each message's answer
    goes back to the worker (``done``), which alone writes the outbox. After a
    failure the connection is closed and the next message opens a new one; once the
    server could not be reached, the messages still waiting come back ``NotTried``.
    (A second connection in a second thread was slower: bench/delivery.py, 1 worker,
    227-230 against 264-296 messages a second, more CPU a message.)"""

    def __init__(self, backend: _SMTPBackend) -> None:
        self.backend = backend
        self.todo: queue.Queue[tuple[Message, tuple[str, list[str], bytes] | None] | None] = (
            queue.Queue()
        )
        self.done: queue.SimpleQueue[tuple[Message, Exception | None]] = queue.SimpleQueue()
        self.down = False
        self.thread = threading.Thread(target=self._run, name="smtp-sender", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.todo.get()
            try:
                if item is None:
                    return
                try:
                    outcome = self._one(item[1])
                except Exception as error:  # the answer must come back whatever happens
                    outcome = error
                self.done.put((item[0], outcome))
            finally:
                self.todo.task_done()

    def _one(self, envelope: tuple[str, list[str], bytes] | None) -> Exception | None:
        if self.down:
            return NotTried("not tried: the mail server could not be reached")
        if envelope is None:  # no recipients: nothing to send, as Django's backend
            return None
        try:
            self.backend.open()  # keeps an open connection open
            self.backend.connection.sendmail(*envelope)  # type: ignore[union-attr]  # open() set it
        except Exception as error:
            self.down = _unreachable(error)
            with contextlib.suppress(Exception):  # QUIT on a broken connection may fail too
                self.backend.close()
            self.backend.connection = None
            return error
        return None

    def stop(self) -> None:
        self.todo.put(None)
        self.thread.join()


class EmailTransport:
    """One SMTP connection per batch, opened on the first send. Over SMTP the bytes
    are built here and sent by a ``_Sender`` thread (``pipelined``): ``send`` returns
    once the message is handed over, and its answer comes back from ``outcomes``."""

    channel = "email"

    def __init__(self) -> None:
        smtp_backend = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
        self.connection = get_connection(_SMTP_BACKEND if smtp_backend else None)
        self._sender: _Sender | None = None

    @property
    def pipelined(self) -> bool:
        return isinstance(self.connection, _SMTPBackend)

    def send(self, message: Message, content: MessageContent) -> None:
        email = render(content, message)
        if not isinstance(self.connection, _SMTPBackend):
            email.connection = self.connection
            self.connection.open()  # send() keeps an open connection open
            email.send()
            return
        if self._sender is None:
            self._sender = _Sender(self.connection)
        self._sender.todo.put((message, self.connection.envelope(email)))

    def outcomes(self, *, wait: bool = False) -> list[tuple[Message, Exception | None]]:
        """The messages whose answer came since the last call, in the order they were
        sent: None when the server took it, else the error (``NotTried`` for those
        the sender gave back). ``wait``: every message handed over has its answer."""
        sender = self._sender
        if sender is None:
            return []
        if wait:
            sender.todo.join()
        out = []
        while True:
            try:
                out.append(sender.done.get_nowait())
            except queue.Empty:
                return out

    def reset(self) -> None:
        if self._sender is None:  # the sender closes its own connection after a failure
            self.connection.close()

    def close(self) -> None:
        if self._sender is not None:
            self._sender.stop()
            self._sender = None
        self.connection.close()

    def unreachable(self, error: Exception) -> bool:
        return _unreachable(error)

    def permanent(self, error: Exception) -> bool:
        """5xx answers are final (no such mailbox, rejected); 4xx and network trouble are not."""
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            return all(code >= 500 for code, _ in error.recipients.values())
        if isinstance(error, smtplib.SMTPResponseException):
            return error.smtp_code >= 500
        return False

    def retry_after(self, error: Exception) -> timedelta | None:
        return None


def _unreachable(error: Exception) -> bool:
    """Refused or lost connection, timeout: the rest of the batch would fail the
    same way. Every SMTP exception is an OSError, so the answers about one message
    are told apart first."""
    if isinstance(error, smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException):
        return False
    return isinstance(error, OSError)


class _QuickData(smtplib.SMTP):
    r"""smtplib's DATA without its dot-stuffing regex when there is nothing to stuff.
    ``data`` runs ``re.sub(rb"(?m)^\.", b"..", message)`` over every message, about
    a seventh of the SMTP client's CPU for an e-mail of 14 kB; a message of bytes in
    which no line starts with ``.`` (no ``.`` first, no ``\n.`` anywhere) would come
    out of it unchanged, so it is sent as it is. Anything else takes smtplib's way
    (tests/notify/test_email_bytes.py sends both through a real server)."""

    def data(self, msg: Any) -> tuple[int, bytes]:
        if not isinstance(msg, bytes) or msg.startswith(b".") or b"\n." in msg:
            return super().data(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        self.send(msg + (b".\r\n" if msg.endswith(b"\r\n") else b"\r\n.\r\n"))
        return self.getreply()


class _SMTP(_QuickData):
    pass


class _SMTP_SSL(_QuickData, smtplib.SMTP_SSL):
    pass


class _SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, with the sender's address parsed once (``_send`` runs
    the e-mail package's address parser on the (always the same) From address for
    every message, 3 % of an e-mail's CPU; the recipients are parsed as before) and
    the message's bytes written by ``mime.message_bytes`` when it knows the shape."""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _SMTP_SSL if self.use_ssl else _SMTP

    def envelope(self, email_message: Any) -> tuple[str, list[str], bytes] | None:
        """Sender, recipients and bytes as ``_send`` hands them to smtplib; None
        without recipients (nothing is sent)."""
        if not email_message.recipients():
            return None
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = _sanitized(email_message.from_email, encoding)
        recipients = [_recipient(addr, encoding) for addr in email_message.recipients()]
        data = message_bytes(email_message, boundary)
        if data is None:
            data = email_message.message().as_bytes(linesep="\r\n")
        return from_email, recipients, data

    def _send(self, email_message: Any) -> bool:
        envelope = self.envelope(email_message)
        if envelope is None:
            return False
        try:
            self.connection.sendmail(*envelope)  # type: ignore[union-attr]  # send_messages opened it, as for Django's own _send
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


@lru_cache(maxsize=64)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


# "Bob Brandt <bob@acme.test>": a short name of plain words, a dot-atom local part, a
# domain of short lower-case labels. sanitize_address returns such an address as it is.
_ADDR_SPEC = (
    r"[A-Za-z0-9_+-]{1,40}(?:\.[A-Za-z0-9_+-]{1,40}){0,3}"
    r"@[a-z0-9]{1,30}(?:-[a-z0-9]{1,30})?(?:\.[a-z0-9]{1,30}(?:-[a-z0-9]{1,30})?){1,3}"
)
_PLAIN_ADDRESS = re.compile(
    rf"{_ADDR_SPEC}|[A-Za-z0-9]{{1,20}}(?: [A-Za-z0-9]{{1,20}}){{0,2}} <{_ADDR_SPEC}>"
)


def _recipient(address: str, encoding: str) -> str:
    """``sanitize_address`` (the e-mail package's address parser, header encoding and
    IDNA per recipient, 6 % of an e-mail's CPU), skipped for the plain address it
    would return unchanged (tests/notify/test_email_bytes.py compares them)."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, encoding)


def refused_for_good(error: Exception) -> dict[str, str]:
    """{address: the server's words} for each recipient the SMTP server refused with a
    5xx at RCPT: that mailbox does not take mail. A 5xx after the data (a rejected
    message, a policy) says nothing about the address and is not counted."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused):
        return {}
    return {
        parseaddr(recipient)[
            1
        ]: f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
        for recipient, (code, reply) in error.recipients.items()  # "Name <address>" keys
        if code >= 500
    }
