"""One-click unsubscribe (RFC 8058): the headers as the SMTP server received them, and
the link replayed as a mail provider, a mail scanner, a person and a forger would."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from crosspaths import clock
from crosspaths.meetings.tokens import checkin_token
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.notify.unsubscribe import SALT, unsubscribe_token
from crosspaths.programs.models import Enrollment

from .conftest import ids

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def enrolled(published, cast):
    program = published.round.program
    for person in (cast.bob, cast.chidi):
        Enrollment.objects.create(organization=cast.org, program=program, person=person)
    return published


def _link(mailbox, address: str) -> str:
    (mail,) = mailbox.to(address)
    header = str(mail["List-Unsubscribe"]).strip()  # folded after the colon: long
    assert header.startswith("<http://127.0.0.1:8000/mail/unsubscribe/") and header.endswith("/>")
    assert mail["List-Unsubscribe-Post"] == ONE_CLICK
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert header[1:-1] in text  # the footer offers the same link
    return header[1:-1].removeprefix("http://127.0.0.1:8000")


def _provider() -> Client:
    """A mail provider's POST: no session, no cookie, CSRF checks on."""
    return Client(enforce_csrf_checks=True)


def _state(person):
    enrollment = Enrollment.objects.get(person=person)
    waiting = Message.objects.filter(person=person, status="queued").count()
    return enrollment.paused_until, waiting


def test_program_mails_carry_one_click_unsubscribe_headers(enrolled, mailbox):
    messages_deliver(message_ids=ids("intro"))
    _link(mailbox, "chidi@acme.test")
    _link(mailbox, "bob@acme.test")


def test_the_providers_post_pauses_the_person_in_that_program(enrolled, mailbox, cast):
    messages_deliver(message_ids=ids("intro"))
    path = _link(mailbox, "chidi@acme.test")
    assert _state(cast.chidi) == (None, 2)  # reminder and check-in waiting
    response = _provider().post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert _state(cast.chidi) == (clock.today() + timedelta(days=366), 0)
    skipped = Message.objects.filter(person=cast.chidi, status="skipped")
    assert {m.kind for m in skipped} == {"reminder", "checkin"}
    assert all("one-click" in m.last_error for m in skipped)
    assert _state(cast.bob) == (None, 2)  # the others are not touched
    again = _provider().post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200  # twice is harmless
    assert _state(cast.chidi) == (clock.today() + timedelta(days=366), 0)


def test_opening_the_link_asks_first_and_changes_nothing(enrolled, mailbox, cast):
    """Mail scanners GET every link: the page asks, only its button (POST) pauses."""
    messages_deliver(message_ids=ids("intro"))
    path = _link(mailbox, "bob@acme.test")
    for method in ("get", "head"):
        assert getattr(Client(), method)(path).status_code == 200
    page = Client().get(path).content.decode()
    assert "E-Mails zu Virtual coffee abbestellen?" in page  # Bob reads German
    assert 'method="post"' in page
    assert _state(cast.bob) == (None, 2)
    done = Client().post(path).content.decode()
    assert "Sie pausieren jetzt bei Virtual coffee." in done


@pytest.mark.parametrize(
    "forge",
    [
        lambda path: path.replace("/unsubscribe/", "/unsubscribe/x"),
        lambda path: path[:-6] + ("A" if path[-6] != "A" else "B") + path[-5:],
        lambda path: f"/mail/unsubscribe/{checkin_token(1)}/",  # another link's signature
        lambda path: "/mail/unsubscribe/not-a-token/",
    ],
)
def test_a_forged_or_tampered_link_changes_nothing(enrolled, mailbox, cast, forge):
    messages_deliver(message_ids=ids("intro"))
    path = forge(_link(mailbox, "chidi@acme.test"))
    response = _provider().post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "This link does not work." in response.content.decode()
    assert _state(cast.chidi) == (None, 2)


def test_an_old_link_has_expired(enrolled, mailbox, cast, settings):
    messages_deliver(message_ids=ids("intro"))
    path = _link(mailbox, "chidi@acme.test")
    later = timezone.now() + timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS + 1)
    with time_machine.travel(later, tick=False):
        response = _provider().post(
            path, ONE_CLICK, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 410
    assert Enrollment.objects.get(person=cast.chidi).paused_until is None


def test_someone_who_left_the_program_is_told_so(enrolled, mailbox, cast):
    messages_deliver(message_ids=ids("intro"))
    path = _link(mailbox, "chidi@acme.test")
    Enrollment.objects.filter(person=cast.chidi).update(left_at=timezone.now())
    page = _provider().post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert "You no longer get e-mails about Virtual coffee." in page.content.decode()
    assert _state(cast.chidi)[1] == 0


def test_tokens_are_read_back_and_unchanged_for_ordinary_ids(settings):
    """Tokens are no longer compressed: ``signing.loads`` still reads them (random
    people, programs, both kinds, many instants, two secrets, ids of repeated digits
    that zlib would shrink), and for ordinary ids they are the very string that
    ``compress=True`` made before."""
    rng = random.Random(8058)
    for secret in ("s" * 50, "another-secret-" + "x" * 40):
        settings.SECRET_KEY = secret
        for _ in range(300):
            person = rng.choice([rng.randint(1, 10**9), int("7" * rng.randint(10, 90))])
            program = rng.randint(1, 10**6)
            leave = rng.random() < 0.5
            instant = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**9))
            with time_machine.travel(instant, tick=False):
                token = unsubscribe_token(person_id=person, program_id=program, leave=leave)
                data = {"p": person, "g": program} | ({"l": 1} if leave else {})
                assert signing.loads(token, salt=SALT, max_age=60) == data
                if person < 10**9:  # too short to compress: what compress=True made
                    assert token == signing.dumps(data, salt=SALT, compress=True)
