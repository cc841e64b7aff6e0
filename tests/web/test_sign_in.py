"""Signing in by e-mail link: what arrives at a real SMTP server, what a link is
worth once, late, forged or for someone who left, and how often one may ask."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from crosspaths.people.models import Person, SignInToken
from crosspaths.web.models import SignInAttempt

from ..cast import PASSWORD, make_person
from ..mailbox import free_port

LINK = re.compile(r"http://testserver/login/link/([\w-]+)/")


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://testserver"


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    found = LINK.search(text)
    assert found, text
    return found.group(0).removeprefix("http://testserver")


@pytest.fixture
def newcomer(cast):
    """Someone HR imported who never signed in: no Django user yet."""
    return make_person(
        cast.org,
        "erin@acme.test",
        "Erin Engel",
        login=False,
        roster_synced=True,
        department=cast.engineering,
    )


def test_a_known_person_gets_a_single_use_link_by_email(client, newcomer, mailbox, site):
    response = client.post("/login/", {"email": "Erin@ACME.test"})
    assert response.status_code == 302 and response["Location"] == "/login/sent/"
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "erin@acme.test"
    assert message["Subject"] == "Your sign-in link for Crosspaths at Acme"
    assert message.get_body(("html",)) is not None
    assert "works once and for 20 minutes" in message.get_body(("plain",)).get_content()
    # Only a hash is stored: the raw token is nowhere in the database.
    raw = link_in(message).split("/")[-2]
    assert not SignInToken.objects.filter(token_hash=raw).exists()
    assert SignInToken.objects.get().person == newcomer


def test_the_sent_page_says_the_same_for_unknown_addresses_and_nothing_is_mailed(
    client, cast, mailbox
):
    response = client.post("/login/", {"email": "nobody@acme.test"}, follow=True)
    body = response.content.decode()
    assert "If <strong>nobody@acme.test</strong> belongs to someone" in body
    assert mailbox.messages == [] and not SignInToken.objects.exists()


def test_the_email_follows_the_page_language_until_the_person_chooses_one(
    client, newcomer, mailbox, site
):
    client.cookies["django_language"] = "de"
    client.post("/login/", {"email": "erin@acme.test"})
    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == "Ihr Anmeldelink für Crosspaths bei Acme"


def test_opening_the_link_does_not_spend_it(client, newcomer, mailbox, site):
    client.post("/login/", {"email": "erin@acme.test"})
    url = link_in(mailbox.wait_for(1)[0])
    for _ in range(2):  # a mail scanner, then the person
        response = client.get(url)
        assert response.status_code == 200
        assert "You are signing in as <strong>erin@acme.test</strong>" in response.content.decode()
    assert SignInToken.objects.get().used_at is None
    assert response["Referrer-Policy"] == "same-origin"


def test_the_first_sign_in_creates_and_links_an_account_and_leads_to_onboarding(
    client, newcomer, mailbox, site
):
    client.post("/login/", {"email": "erin@acme.test"})
    url = link_in(mailbox.wait_for(1)[0])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/start/"
    newcomer.refresh_from_db()
    assert newcomer.user.username == "erin@acme.test"
    assert not newcomer.user.has_usable_password()
    assert client.session["_auth_user_backend"] == "crosspaths.web.auth.SignInLinkBackend"
    assert client.get("/start/").status_code == 200


def test_a_link_works_once(client, newcomer, mailbox, site):
    client.post("/login/", {"email": "erin@acme.test"})
    url = link_in(mailbox.wait_for(1)[0])
    client.post(url)
    client.logout()
    response = client.post(url)
    body = response.content.decode()
    assert response.status_code == 410 and "This link was already used" in body
    assert 'value="erin@acme.test"' in body  # a fresh link is one click away
    assert "_auth_user_id" not in client.session


def test_an_expired_link_explains_itself_and_offers_a_new_one(client, newcomer, mailbox, site):
    client.post("/login/", {"email": "erin@acme.test"})
    url = link_in(mailbox.wait_for(1)[0])
    SignInToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url", ["/login/link/forged-token/", "/login/link/" + "x" * 300 + "/", "/login/link/%00/"]
)
def test_a_forged_or_mangled_link_gets_a_friendly_page(client, db, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 404
        assert "We do not know this link" in response.content.decode()


def test_a_link_for_someone_who_left_does_not_sign_in(client, newcomer, mailbox, site):
    client.post("/login/", {"email": "erin@acme.test"})
    url = link_in(mailbox.wait_for(1)[0])
    Person.objects.filter(pk=newcomer.pk).update(active=False)
    response = client.post(url)
    assert response.status_code == 403 and "This account is not active" in response.content.decode()
    assert not User.objects.filter(username="erin@acme.test").exists()


def test_people_who_left_get_no_link(client, newcomer, mailbox):
    Person.objects.filter(pk=newcomer.pk).update(active=False)
    client.post("/login/", {"email": "erin@acme.test"})
    assert mailbox.messages == []


def test_an_existing_account_is_reused_not_duplicated(client, cast, mailbox, site):
    client.post("/login/", {"email": "bob@acme.test"})
    client.post(link_in(mailbox.wait_for(1)[0]))
    assert User.objects.filter(username="bob@acme.test").count() == 1
    assert client.session["_auth_user_id"] == str(cast.bob.user_id)
    # A person who signed in by link can still use their password.
    assert User.objects.get(username="bob@acme.test").check_password(PASSWORD)


def test_a_safe_next_address_is_kept_through_the_link(client, onboarded, mailbox, site):
    client.post("/login/?next=/programs/", {"email": "bob@acme.test", "next": "/programs/"})
    response = client.post(link_in(mailbox.wait_for(1)[0]))
    assert response["Location"] == "/programs/"


def test_a_next_address_on_another_site_is_dropped(client, onboarded, mailbox, site):
    client.post("/login/", {"email": "bob@acme.test", "next": "https://evil.example/"})
    assert SignInToken.objects.get().next_url == ""


def test_a_bad_address_is_explained_next_to_the_field(client, db):
    response = client.post("/login/", {"email": "not-an-address"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in body and "does not look like an e-mail address" in body
    assert 'aria-invalid="true"' in body


def ask(client, email, address="10.0.0.5", **headers):
    return client.post("/login/", {"email": email}, REMOTE_ADDR=address, **headers)


def test_links_are_limited_per_address_from_one_client(client, newcomer, mailbox, settings):
    settings.SIGN_IN_LINK_COOLDOWN_SECONDS = 0
    settings.SIGN_IN_LINKS_PER_EMAIL = 2
    for _ in range(2):
        assert ask(client, "erin@acme.test").status_code == 302
    response = ask(client, "erin@acme.test")
    assert response.status_code == 429
    assert "Try again in 60 minutes" in response.content.decode()
    assert len(mailbox.wait_for(2)) == 2
    # Refused attempts are not counted, so they do not extend the wait.
    assert SignInAttempt.objects.filter(scope="email-ip").count() == 2


def test_beyond_a_client_addresses_budget_each_address_gets_one_link_per_lifetime(
    client, cast, mailbox, settings
):
    """An office behind one NAT used up the hourly budget: Bob still gets his link (a
    colleague's requests never lock him out), but no address gets a second one while
    the first still works."""
    settings.SIGN_IN_LINKS_PER_IP = 3
    for n in range(3):
        assert ask(client, f"probe{n}@acme.test").status_code == 302
    assert ask(client, "bob@acme.test").status_code == 302
    assert len(mailbox.wait_for(1)) == 1  # Bob's; the probes were unknown addresses
    SignInAttempt.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    response = ask(client, "bob@acme.test")
    assert response.status_code == 429
    assert "use the one in your inbox" in response.content.decode()
    assert ask(client, "probe0@acme.test").status_code == 429
    SignInAttempt.objects.filter(created_at__gte=timezone.now() - timedelta(minutes=2)).update(
        created_at=timezone.now() - timedelta(minutes=21)
    )
    assert ask(client, "bob@acme.test").status_code == 302  # the first link has expired


def test_a_second_link_within_a_minute_points_to_the_one_in_the_inbox(
    client, newcomer, mailbox, site
):
    assert ask(client, "erin@acme.test", "6.6.6.6").status_code == 302
    response = ask(client, "erin@acme.test", "10.0.0.5")
    assert response.status_code == 429
    assert "use the one in your inbox, it works for 20 minutes" in response.content.decode()
    # That link is Erin's to use: it is in her inbox and works.
    url = link_in(mailbox.wait_for(1)[0])
    assert client.post(url).status_code == 302
    SignInAttempt.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert ask(client, "erin@acme.test", "10.0.0.5").status_code == 302


def test_nobody_is_locked_out_by_requests_from_another_address(client, newcomer, mailbox, settings):
    settings.SIGN_IN_LINK_COOLDOWN_SECONDS = 0
    settings.SIGN_IN_LINKS_PER_EMAIL, settings.SIGN_IN_LINKS_PER_IP = 2, 3
    # Someone else exhausts every limit their address has, with Erin's e-mail and others.
    for n in range(3):
        ask(client, "erin@acme.test" if n < 2 else f"x{n}@acme.test", "6.6.6.6")
    assert ask(client, "erin@acme.test", "6.6.6.6").status_code == 429
    # Beyond its budget that place gets one link per address and link lifetime.
    assert ask(client, "someone@acme.test", "6.6.6.6").status_code == 302
    assert ask(client, "someone@acme.test", "6.6.6.6").status_code == 429
    # Erin, from her own address, still gets her link.
    assert ask(client, "erin@acme.test", "10.0.0.5").status_code == 302
    assert len(mailbox.wait_for(3)) == 3


def test_behind_a_proxy_the_limits_count_people_not_the_proxy(client, newcomer, mailbox, settings):
    """Over its hourly budget a client address gets no second link for an address while
    the first still works (the cool-down is off here, so only that rule refuses)."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGN_IN_LINK_COOLDOWN_SECONDS = 0
    settings.SIGN_IN_LINKS_PER_IP = 2
    proxy = "127.0.0.1"
    for n in range(2):
        ask(client, f"p{n}@acme.test", proxy, HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert ask(client, "p0@acme.test", proxy, HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 429
    # A client cannot escape by writing its own entry to the left of the proxy's.
    spoofed = ask(client, "p1@acme.test", proxy, HTTP_X_FORWARDED_FOR="10.9.9.9, 10.1.1.1")
    assert spoofed.status_code == 429
    # A colleague behind the same proxy is counted on their own.
    assert ask(client, "p0@acme.test", proxy, HTTP_X_FORWARDED_FOR="10.2.2.2").status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, cast, mailbox, settings):
    settings.SIGN_IN_LINK_COOLDOWN_SECONDS = 0
    settings.SIGN_IN_LINKS_PER_IP = 2
    for n in range(2):
        ask(client, f"p{n}@acme.test", HTTP_X_FORWARDED_FOR=f"10.3.3.{n}")
    response = ask(client, "p0@acme.test", HTTP_X_FORWARDED_FOR="10.3.3.9")
    assert response.status_code == 429


def test_the_limit_forgets_attempts_after_an_hour(client, newcomer, mailbox, settings):
    settings.SIGN_IN_LINKS_PER_EMAIL = 1
    ask(client, "erin@acme.test")
    SignInAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert ask(client, "erin@acme.test").status_code == 302


def test_a_mail_server_failure_asks_to_try_again_instead_of_failing(client, newcomer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    response = client.post("/login/", {"email": "erin@acme.test"})
    assert response.status_code == 503
    assert "could not send the e-mail" in response.content.decode()


def test_a_password_still_signs_in(client, cast):
    response = client.post("/login/password/", {"username": "BOB@acme.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_wrong_password_shows_an_error_on_the_form(client, cast):
    response = client.post("/login/password/", {"username": "bob@acme.test", "password": "no"})
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode()


def test_signed_in_people_skip_the_sign_in_page(client, cast):
    client.login(username="bob@acme.test", password=PASSWORD)
    assert client.get("/login/")["Location"] == "/"
