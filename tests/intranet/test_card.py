"""The personal card: framed only by the organization's intranet pages, signed in by
its token alone, showing the person's next encounter and their programs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client

from crosspaths.intranet.tokens import SALT, card_token_mint
from crosspaths.people.models import Person
from crosspaths.programs.models import Enrollment

from ..web.conftest import make_match, make_program
from .conftest import ACME_INTRANET, GLOBEX_INTRANET, card, token_for

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("frame-ancestors")).strip()


def test_each_organizations_card_may_be_framed_by_its_own_intranet_only(cast, embeds):
    ours, theirs = card(cast.bob), card(cast.dana)
    assert ours.status_code == theirs.status_code == 200
    assert frame_ancestors(ours) == f"frame-ancestors {ACME_INTRANET}"
    assert frame_ancestors(theirs) == f"frame-ancestors {GLOBEX_INTRANET}"
    for response in (ours, theirs):
        assert "X-Frame-Options" not in response
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]
        # The rest of the site's policy still holds on the card.
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_without_an_allow_list_no_page_may_frame_the_card(cast):
    assert frame_ancestors(card(cast.bob)) == "frame-ancestors 'none'"


@pytest.mark.parametrize("path", ["/", "/login/", "/programs/", "/console/", "/api/docs"])
def test_every_other_page_still_refuses_every_frame(cast, embeds, path):
    client = Client()
    client.force_login(cast.alice.user)
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "frame-ancestors 'none'"


def test_the_card_shows_the_next_encounter_in_the_viewers_zone_with_a_link(cast, embeds):
    cast.bob.timezone = "Asia/Tokyo"
    cast.bob.save()
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 18:00 in Tokyo
    match = make_match([cast.bob, cast.chidi], start=start)
    body = card(cast.bob).content.decode()
    assert "Chidi Okafor" in body and "Engineering" in body
    assert "Friday, Nov. 27, 2026, 6 p.m.\u20136:30 p.m." in body and "(Asia/Tokyo)" in body
    assert f'href="{settings.SITE_URL}/matches/{match.pk}/"' in body
    assert 'target="_blank" rel="noopener noreferrer"' in body


def test_the_card_prefers_the_meeting_still_ahead_over_one_already_over(cast, embeds):
    make_match([cast.bob, cast.alice], start=datetime(2026, 11, 25, 9, tzinfo=UTC))
    lunch = make_program(cast.org, name="Lunch", format="lunch")
    make_match([cast.bob, cast.chidi], program=lunch, start=datetime(2026, 11, 30, 11, tzinfo=UTC))
    body = card(cast.bob).content.decode()
    assert "Chidi Okafor" in body and "Alice Adler" not in body


def test_a_card_in_german_for_a_german_speaker(cast, embeds):
    cast.bob.language = "de"
    cast.bob.save()
    body = card(cast.bob).content.decode()
    assert "Ihre nächste Begegnung" in body


# --- The token --------------------------------------------------------------------------


def test_a_token_naming_another_organizations_person_shows_nothing(cast, embeds):
    """Signed by us, naming Acme and Dana (of Globex): the pair is what is checked."""
    forged = signing.dumps({"o": cast.org.pk, "p": cast.dana.pk}, salt=SALT)
    response = card(forged)
    assert response.status_code == 400
    assert "Dana" not in response.content.decode()


def test_an_expired_token_gets_a_clear_page_its_intranet_may_still_frame(cast, embeds):
    token = token_for(cast.bob)
    with time_machine.travel(datetime(2026, 11, 26, 8, 11, tzinfo=UTC)):
        response = card(token)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert "Bob" not in response.content.decode()
    assert frame_ancestors(response) == f"frame-ancestors {ACME_INTRANET}"


def test_a_token_is_good_for_ten_minutes(cast, embeds):
    token, expires = card_token_mint(person=cast.bob)
    assert expires - datetime(2026, 11, 26, 8, tzinfo=UTC) < timedelta(minutes=10, seconds=5)
    with time_machine.travel(datetime(2026, 11, 26, 8, 9, tzinfo=UTC)):
        assert card(token).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: signing.dumps({"o": 1, "p": 2}, key="not-the-site-secret", salt=SALT),
        lambda t: signing.dumps({"m": 1}, salt="crosspaths.meetings.checkin"),  # another salt
        lambda t: signing.dumps(["o", "p"], salt=SALT),
        lambda t: "garbage",
    ],
)
def test_a_tampered_or_foreign_token_is_refused_and_may_not_be_framed(cast, embeds, tamper):
    response = card(tamper(token_for(cast.bob)))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert frame_ancestors(response) == "frame-ancestors 'none'"


def test_no_token_says_so(cast):
    response = Client().get("/embed/card/")
    assert response.status_code == 400 and "has none" in response.content.decode()


def test_a_person_who_left_the_company_is_signed_out_of_the_card(cast, embeds):
    token = token_for(cast.bob)
    Person.objects.filter(pk=cast.bob.pk).update(active=False)
    assert card(token).status_code == 400


# --- Join and pause from the card -------------------------------------------------------


def post(path, data, **headers):
    return Client().post(path, data, headers=headers)


def test_joining_a_program_from_the_card(cast, embeds):
    coffee = make_program(cast.org)
    body = card(cast.bob).content.decode()
    assert f'action="/embed/card/join/{coffee.pk}/"' in body
    assert 'value="2026-12-10"' not in body  # no pause offered: Bob is in no program yet
    response = post(f"/embed/card/join/{coffee.pk}/", {"t": token_for(cast.bob)})
    assert response.status_code == 200
    assert "You joined Virtual coffee." in response.content.decode()
    assert Enrollment.objects.filter(person=cast.bob, program=coffee, left_at=None).exists()
    assert frame_ancestors(response) == f"frame-ancestors {ACME_INTRANET}"
    assert "X-Frame-Options" not in response


def test_pausing_and_resuming_from_the_card(cast, embeds):
    coffee = make_program(cast.org)
    Enrollment.objects.create(organization=cast.org, program=coffee, person=cast.bob)
    token = token_for(cast.bob)
    assert 'name="until" value="2026-12-10"' in card(token).content.decode()  # two weeks on
    response = post("/embed/card/pause/", {"t": token, "until": "2026-12-24"})
    assert "Paused until" in response.content.decode()
    assert Enrollment.objects.get(person=cast.bob).paused_until.isoformat() == "2026-12-24"
    response = post("/embed/card/pause/", {"t": token, "resume": "1"})
    assert "Welcome back" in response.content.decode()
    assert Enrollment.objects.get(person=cast.bob).paused_until is None


def test_a_pause_in_the_past_is_refused_on_the_card_saying_why(cast, embeds):
    coffee = make_program(cast.org)
    Enrollment.objects.create(organization=cast.org, program=coffee, person=cast.bob)
    response = post("/embed/card/pause/", {"t": token_for(cast.bob), "until": "2026-11-01"})
    assert "Choose today or a later date." in response.content.decode()
    assert Enrollment.objects.get(person=cast.bob).paused_until is None


def test_the_card_cannot_join_another_organizations_program(cast, embeds):
    theirs = make_program(cast.other_org, name="Quasar Coffee")
    response = post(f"/embed/card/join/{theirs.pk}/", {"t": token_for(cast.bob)})
    assert response.status_code == 404
    assert not Enrollment.objects.filter(program=theirs).exists()


def test_a_program_outside_the_persons_audience_cannot_be_joined(cast, embeds):
    engineers = make_program(cast.org, audience={"departments": [cast.engineering.pk]})
    response = post(f"/embed/card/join/{engineers.pk}/", {"t": token_for(cast.bob)})
    assert response.status_code == 404
    assert not Enrollment.objects.exists()


def test_a_post_without_a_valid_token_changes_nothing(cast, embeds):
    coffee = make_program(cast.org)
    for data in ({}, {"t": "garbage"}):
        response = post(f"/embed/card/join/{coffee.pk}/", data)
        assert response.status_code == 400
    assert not Enrollment.objects.exists()


def test_a_form_another_site_posts_is_refused_even_with_a_token(cast, embeds):
    coffee = make_program(cast.org)
    response = post(
        f"/embed/card/join/{coffee.pk}/",
        {"t": token_for(cast.bob)},
        Origin="https://evil.example",
    )
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_the_card_reads_no_session(cast, embeds):
    """A signed-in session of another person changes nothing: the token decides whose
    card it is, and a post without a token is refused whoever is signed in."""
    client = Client()
    client.force_login(cast.alice.user)
    coffee = make_program(cast.org)
    response = client.post(f"/embed/card/join/{coffee.pk}/", {"t": "garbage"})
    assert response.status_code == 400
    client.post(f"/embed/card/join/{coffee.pk}/", {"t": token_for(cast.bob)})
    assert list(Enrollment.objects.values_list("person_id", flat=True)) == [cast.bob.pk]


def test_behind_a_proxy_the_sites_own_address_counts_as_this_site(cast, embeds, settings):
    """The proxy speaks plain HTTP to the app; the browser's Origin is the public HTTPS
    address (SITE_URL)."""
    settings.SITE_URL = "https://crosspaths.example.com"
    coffee = make_program(cast.org)
    response = post(
        f"/embed/card/join/{coffee.pk}/",
        {"t": token_for(cast.bob)},
        Origin="https://crosspaths.example.com",
    )
    assert response.status_code == 200
    assert Enrollment.objects.filter(person=cast.bob, program=coffee).exists()
