"""The outbox in the Django admin: a failed message is visible with its error and can
be sent again."""

import pytest
from django.contrib.auth.models import User

from crosspaths.notify.models import Message

from .conftest import ids


@pytest.fixture
def operator(client, db):
    User.objects.create_superuser("op", "op@example.com", "pw")
    client.login(username="op", password="pw")
    return client


def test_failed_messages_show_their_error_and_can_be_sent_again(operator, published):
    failed, _ = ids("intro")
    Message.objects.filter(pk=failed).update(
        status="failed", attempts=8, last_error="attempt 8: SMTPServerDisconnected: gone"
    )
    page = operator.get("/admin/notify/message/?status__exact=failed").content.decode()
    assert "SMTPServerDisconnected: gone" in page
    response = operator.post(
        "/admin/notify/message/",
        {"action": "send_again", "_selected_action": [failed]},
        follow=True,
    )
    assert "1 message is queued again." in response.content.decode()
    assert Message.objects.get(pk=failed).status == "queued"


def test_queued_messages_waiting_for_a_retry_are_listed(operator, published):
    page = operator.get("/admin/notify/message/?status__exact=queued").content.decode()
    assert page.count("Introduction") >= 2
