"""The development mailbox page: e-mails the file backend wrote, readable in the
browser, and nothing at all when DEBUG is off."""

import pytest
from django.core import mail
from django.urls import reverse

from crosspaths.notify.services import messages_deliver

from .conftest import ids


@pytest.fixture
def file_mail(settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    return tmp_path


def test_sent_introductions_are_listed_and_readable(client, published, file_mail):
    messages_deliver(message_ids=ids("intro"))
    page = client.get(reverse("notify:dev_mailbox")).content.decode()
    assert "Virtual coffee: you meet Bob Brandt" in page
    assert "chidi@acme.test" in page
    link = page.split('href="/notify/dev/mail/')[1].split('"')[0]
    letter = client.get(f"/notify/dev/mail/{link}").content.decode()
    assert "Text part" in letter and "HTML part" in letter
    assert "invite.ics" in letter
    ics = client.get(f"/notify/dev/mail/{link}0/")
    assert ics["Content-Type"].startswith(
        "application/ics"
    )  # the copy beside the text/calendar part
    assert b"BEGIN:VCALENDAR" in ics.content


def test_the_mailbox_is_empty_at_first(client, file_mail, db):
    assert "No e-mails yet" in client.get(reverse("notify:dev_mailbox")).content.decode()


def test_without_debug_the_mailbox_does_not_exist(client, file_mail, settings, db):
    mail.EmailMessage("secret", "body", to=["x@example.com"]).send()
    settings.DEBUG = False
    assert client.get(reverse("notify:dev_mailbox")).status_code == 404
    files = list(file_mail.glob("*.log"))
    assert client.get(f"/notify/dev/mail/{files[0].name}:0/").status_code == 404


def test_an_id_outside_the_mail_folder_is_not_found(client, file_mail, db):
    assert client.get("/notify/dev/mail/..%2Fsecret.log:0/").status_code == 404
    assert client.get("/notify/dev/mail/.hidden:0/").status_code == 404
