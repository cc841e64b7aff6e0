"""Addresses that bounce: a real SMTP server refusing a mailbox for good (550 at RCPT),
and a failure report (RFC 3464) read back with ``manage.py mail_bounces``; either way
no e-mail goes to that address until it changes."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.people.models import Person
from tests.mailbox import Mailbox

from .conftest import ids


class RefusingMailbox(Mailbox):
    """Refuses one mailbox with a permanent 550, as a real server does for a gone user."""

    gone = "chidi@acme.test"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.gone:
            return "550 5.1.1 <chidi@acme.test>: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing(settings):
    box = RefusingMailbox().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", box.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    box.stop()


def _send_reminders():
    Message.objects.filter(kind="reminder").update(next_attempt_at=timezone.now())
    messages_deliver(message_ids=ids("reminder"))


def test_a_permanent_refusal_marks_the_address_and_stops_its_mail(published, refusing, cast):
    report = messages_deliver(message_ids=ids("intro"))
    assert (report.sent, report.failed) == (1, 1)
    chidi = Person.objects.get(pk=cast.chidi.pk)
    assert chidi.email_bounced and chidi.bounced_email == "chidi@acme.test"
    assert chidi.bounce_reason.startswith("550 5.1.1") and chidi.bounced_at is not None
    assert not Person.objects.get(pk=cast.bob.pk).email_bounced

    _send_reminders()
    skipped = Message.objects.get(kind="reminder", person=cast.chidi)
    assert skipped.status == "skipped"
    assert "Mail to chidi@acme.test bounced on" in skipped.last_error
    assert "until the address is changed" in skipped.last_error
    assert len(refusing.messages) == 2  # Bob's introduction and reminder only


def test_a_new_address_ends_the_bounce(published, refusing, cast):
    messages_deliver(message_ids=ids("intro"))
    chidi = Person.objects.get(pk=cast.chidi.pk)
    chidi.email = "chidi.okafor@acme.test"
    chidi.save()
    assert not chidi.email_bounced
    _send_reminders()
    assert [m["To"] for m in refusing.to("chidi.okafor@acme.test")]


def _report(tmp_path, address: str, action: str, status: str):
    """A failure report as Postfix sends one to the envelope sender."""
    text = (
        "From: MAILER-DAEMON@mx.acme.test\r\n"
        "To: crosspaths@localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b0"\r\n'
        "\r\n--b0\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "Your message could not be delivered.\r\n"
        "\r\n--b0\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.acme.test\r\n\r\n"
        f"Final-Recipient: rfc822; {address}\r\n"
        f"Original-Recipient: rfc822;{address}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        "\r\n--b0\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        "X-Crosspaths-Message: intro:1:2\r\n"
        "\r\n--b0--\r\n"
    )
    path = tmp_path / f"{action}-{status}.eml"
    path.write_bytes(text.encode())
    return str(path)


def test_a_failure_report_marks_the_address(published, cast, tmp_path, capsys):
    call_command("mail_bounces", _report(tmp_path, "Bob@Acme.test", "failed", "5.1.1"))
    assert "bob@acme.test bounced; 1 people get no e-mail now." in capsys.readouterr().out
    bob = Person.objects.get(pk=cast.bob.pk)
    assert bob.email_bounced and "5.1.1" in bob.bounce_reason
    messages_deliver(message_ids=ids("intro"))
    assert Message.objects.get(kind="intro", person=cast.bob).status == "skipped"


@pytest.mark.parametrize(("action", "status"), [("delayed", "4.4.7"), ("failed", "4.2.2")])
def test_a_delay_or_a_temporary_failure_marks_nothing(cast, tmp_path, capsys, action, status):
    call_command("mail_bounces", _report(tmp_path, "bob@acme.test", action, status))
    assert "no permanent failure" in capsys.readouterr().out
    assert not Person.objects.get(pk=cast.bob.pk).email_bounced


def test_an_ordinary_message_is_not_a_report(cast, tmp_path, capsys):
    path = tmp_path / "hello.eml"
    path.write_bytes(
        b"From: a@b.test\r\nSubject: hi\r\n\r\nFinal-Recipient: rfc822; bob@acme.test\r\n"
    )
    call_command("mail_bounces", str(path))
    assert not Person.objects.get(pk=cast.bob.pk).email_bounced


def test_clear_resumes_mail_to_an_address(cast, tmp_path, capsys):
    call_command("mail_bounces", _report(tmp_path, "bob@acme.test", "failed", "5.1.1"))
    call_command("mail_bounces", clear="bob@acme.test")
    assert not Person.objects.get(pk=cast.bob.pk).email_bounced
