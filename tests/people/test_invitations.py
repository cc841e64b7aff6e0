"""Invitations for people HR imported, and the sign-in tokens behind them."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crosspaths.onboarding.invitations import person_invite
from crosspaths.people.models import Person, SignInToken
from crosspaths.people.sign_in_links import (
    TokenState,
    sign_in_token_check,
    sign_in_token_create,
    sign_in_token_use,
)

from ..cast import make_person
from ..mailbox import free_port


@pytest.fixture
def erin(cast):
    return make_person(cast.org, "erin@acme.test", "Erin Engel", login=False, roster_synced=True)


def test_an_invitation_arrives_in_the_persons_language_with_a_link(erin, cast, mailbox, settings):
    settings.SITE_URL = "https://crosspaths.example"
    Person.objects.filter(pk=erin.pk).update(language="de")
    erin.refresh_from_db()
    token = person_invite(person=erin, invited_by=cast.alice)
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "erin@acme.test"
    assert message["Subject"] == "Einladung zu Crosspaths bei Acme"
    text = message.get_body(("plain",)).get_content()
    assert "Alice Adler lädt Sie zu Crosspaths bei Acme ein." in text
    raw = re.search(r"https://crosspaths\.example/login/link/([\w-]+)/", text).group(1)
    assert sign_in_token_check(raw=raw) == (token, TokenState.VALID)
    assert token.purpose == SignInToken.Purpose.INVITATION
    assert token.expires_at > timezone.now() + timedelta(days=13)
    erin.refresh_from_db()
    assert erin.invited_at is not None


def test_inviting_someone_who_left_is_refused(erin, mailbox):
    Person.objects.filter(pk=erin.pk).update(active=False)
    erin.refresh_from_db()
    with pytest.raises(ValidationError):
        person_invite(person=erin)
    assert mailbox.messages == [] and not SignInToken.objects.exists()


def test_only_the_same_organization_invites(erin, cast):
    with pytest.raises(ValidationError):
        person_invite(person=erin, invited_by=cast.dana)


def test_a_failed_invitation_e_mail_leaves_the_person_uninvited(erin, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with pytest.raises(OSError):
        person_invite(person=erin)
    erin.refresh_from_db()
    assert erin.invited_at is None


def test_a_token_is_spent_once_even_when_used_twice_at_once(erin):
    _token, raw = sign_in_token_create(person=erin)
    first = sign_in_token_use(raw=raw)
    second = sign_in_token_use(raw=raw)
    assert first[1] is TokenState.VALID and second[1] is TokenState.USED
    erin.refresh_from_db()
    assert erin.user is not None and erin.user.username == "erin@acme.test"


def test_a_sign_in_link_lives_twenty_minutes(erin):
    token, raw = sign_in_token_create(person=erin)
    assert timedelta(minutes=19) < token.expires_at - timezone.now() <= timedelta(minutes=20)
    SignInToken.objects.update(expires_at=timezone.now())
    assert sign_in_token_check(raw=raw)[1] is TokenState.EXPIRED
    assert sign_in_token_use(raw=raw)[1] is TokenState.EXPIRED
    erin.refresh_from_db()
    assert erin.user is None


def test_a_disabled_account_cannot_use_a_token(cast):
    cast.bob.user.is_active = False
    cast.bob.user.save()
    _token, raw = sign_in_token_create(person=cast.bob)
    assert sign_in_token_use(raw=raw)[1] is TokenState.INACTIVE


def test_the_invitation_link_signs_in_and_leads_to_onboarding(client, erin, mailbox, settings):
    settings.SITE_URL = "http://testserver"
    person_invite(person=erin)
    text = mailbox.wait_for(1)[0].get_body(("plain",)).get_content()
    path = re.search(r"http://testserver(/login/link/[\w-]+/)", text).group(1)
    body = client.get(path).content.decode()
    assert "Welcome to Crosspaths at Acme" in body and "Join in a minute" in body
    assert client.post(path)["Location"] == "/start/"


def test_a_double_submitted_invitation_sends_one_e_mail(
    client, cast, erin, mailbox, django_capture_on_commit_callbacks
):
    """Two clicks on "Send an invitation", one after the other: one e-mail."""
    from ..cast import PASSWORD

    client.login(username="alice@acme.test", password=PASSWORD)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/console/people/invite/", {"person": [erin.pk]})
        assert response.status_code == 302
    mailbox.wait_for(1)
    import time

    time.sleep(0.3)  # a second e-mail would have arrived by now
    assert len(mailbox.messages) == 1
    assert SignInToken.objects.filter(person=erin).count() == 1


def test_a_resend_after_the_double_click_gap_sends_a_fresh_invitation(erin, mailbox, time_machine):
    from crosspaths.onboarding.invitations import INVITATION_RESEND_GAP

    assert person_invite(person=erin) is not None
    erin.refresh_from_db()
    assert person_invite(person=erin) is None  # a moment later: a double click
    time_machine.move_to(timezone.now() + INVITATION_RESEND_GAP + timedelta(seconds=1))
    erin.refresh_from_db()
    assert person_invite(person=erin) is not None
    assert len(mailbox.wait_for(2)) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_invitations_of_one_person_send_one_e_mail(mailbox):
    """Two web nodes (two connections) invite the same person at the same instant."""
    import threading

    from django.db import connection

    from ..cast import make_cast

    cast = make_cast()
    erin = make_person(cast.org, "erin@acme.test", "Erin Engel", login=False)
    start = threading.Barrier(2)
    results: list[object] = []

    def click() -> None:
        try:
            person = Person.objects.get(pk=erin.pk)
            start.wait(5)
            results.append(person_invite(person=person, invited_by=cast.alice))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len([r for r in results if r is not None]) == 1 and len(results) == 2
    mailbox.wait_for(1)
    assert len(mailbox.messages) == 1
