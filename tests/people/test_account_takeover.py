"""Replays of the cross-organization account takeover (issue 11) and its invitation
variant. Sam is an admin of Acme and a participant of Globex, with one login; Dana is
Globex's admin and the attacker. Before the fix, Dana re-pointed Sam's Globex e-mail to
an address she reads, signed in with a link sent there as Sam's login, deactivated Sam
in Globex, and her session fell back to Sam's Acme membership: Acme's console and its
whole roster. Each step must fail now."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from crosspaths.onboarding.invitations import person_invite
from crosspaths.people.models import Person
from crosspaths.people.services import roster_apply, roster_plan

from ..cast import PASSWORD, make_person

LINK = re.compile(r"http://testserver(/login/link/[\w-]+/)")
HEADER = "id,name,email\n"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def sam(cast):
    """Sam: admin of Acme and participant of Globex, one login for both."""
    acme = make_person(cast.org, "sam@acme.test", "Sam Acme", external_id="S1", role="admin")
    Person.objects.create(
        organization=cast.other_org,
        email="sam@acme.test",
        name="Sam Acme",
        external_id="G-S1",
        user=acme.user,
    )
    return acme


def links_to(mailoutbox, address: str, organization: str = "") -> list[str]:
    return [
        LINK.search(m.body).group(1)
        for m in mailoutbox
        if address in m.to and organization in m.subject
    ]


def sign_in_by_link(client, mailoutbox, address: str, organization: str = ""):
    mailoutbox.clear()
    client.post("/login/", {"email": address})
    (path,) = links_to(mailoutbox, address, organization)
    return client.post(path)


def test_a_changed_roster_email_leaves_the_login_behind(cast, sam):
    globex_sam = Person.objects.get(organization=cast.other_org, external_id="G-S1")
    text = HEADER + "G-S1,Sam Acme,dana.alt@globex.test\n"
    roster_apply(plan=roster_plan(organization=cast.other_org, text=text))
    globex_sam.refresh_from_db()
    assert globex_sam.email == "dana.alt@globex.test"
    assert globex_sam.user is None
    sam.refresh_from_db()
    assert sam.user is not None and sam.user.username == "sam@acme.test"


def test_the_takeover_chain_fails_at_every_step(client, cast, sam, mailoutbox):
    sam_login = sam.user
    # 1. Dana, admin of Globex, points Sam's Globex row at an address she reads.
    text = HEADER + "G-S1,Sam Acme,dana.alt@globex.test\n"
    roster_apply(plan=roster_plan(organization=cast.other_org, text=text))
    # 2. She signs in with the link sent there: that is a new login, not Sam's.
    response = sign_in_by_link(client, mailoutbox, "dana.alt@globex.test")
    assert response.status_code == 302
    signed_in = User.objects.get(pk=client.session["_auth_user_id"])
    assert signed_in.pk != sam_login.pk
    assert signed_in.username == "dana.alt@globex.test"
    # 3. She deactivates Sam in Globex: her session does not become Sam's elsewhere.
    Person.objects.filter(organization=cast.other_org, external_id="G-S1").update(active=False)
    assert client.get("/console/").status_code in (302, 403)
    export = client.get("/console/roster/export.csv")
    assert export.status_code in (302, 403)
    assert b"sam@acme.test" not in export.content
    # Sam himself still signs in to Acme with his own address and password.
    client.logout()
    assert client.login(username="sam@acme.test", password=PASSWORD)
    assert client.get("/console/").status_code == 200


def test_a_row_repointed_by_a_writer_that_forgot_to_unlink_still_cannot_sign_in_as_sam(
    client, cast, sam, mailoutbox
):
    """Defence in depth: the Django admin, a future API or SCIM writer might change the
    e-mail without unlinking. The login stays Sam's only for rows at Sam's address."""
    Person.objects.filter(organization=cast.other_org, external_id="G-S1").update(
        email="dana.alt@globex.test"
    )
    sign_in_by_link(client, mailoutbox, "dana.alt@globex.test")
    signed_in = User.objects.get(pk=client.session["_auth_user_id"])
    assert signed_in.pk != sam.user_id
    assert client.get("/console/").status_code == 403  # a Globex participant, nothing more
    # The stale link of that row to Sam's login is gone, Sam's Acme row keeps it.
    globex_row = Person.objects.get(organization=cast.other_org, external_id="G-S1")
    assert globex_row.user_id == signed_in.pk
    sam.refresh_from_db()
    assert sam.user_id is not None and sam.user_id != signed_in.pk


def test_the_invitation_variant_fails(client, cast, mailoutbox):
    """Dana invites a Globex row carrying Sam's real address; Sam clicks the genuine
    invitation, which links his login to that row; Dana then re-points the row."""
    sam = make_person(cast.org, "sam@acme.test", "Sam Acme", role="admin")  # Acme only
    bait = make_person(cast.other_org, "sam@acme.test", "Bait", external_id="BAIT", login=False)
    person_invite(person=bait, invited_by=cast.dana)
    (path,) = links_to(mailoutbox, "sam@acme.test")
    assert client.post(path).status_code == 302
    bait.refresh_from_db()
    assert bait.user_id == sam.user_id  # Sam verified his address: Globex knows his login
    # The session Globex's invitation opened acts in Globex only: not Acme's console.
    assert client.get("/console/").status_code == 403
    client.logout()
    text = HEADER + "BAIT,Bait,dana.alt@globex.test\n"
    roster_apply(plan=roster_plan(organization=cast.other_org, text=text))
    sign_in_by_link(client, mailoutbox, "dana.alt@globex.test")
    assert int(client.session["_auth_user_id"]) != sam.user_id
    Person.objects.filter(pk=bait.pk).update(active=False)
    assert client.get("/console/").status_code in (302, 403)
    assert b"sam@acme.test" not in client.get("/console/roster/export.csv").content


def test_leaving_one_organization_never_falls_back_to_another(client, cast, sam, mailoutbox):
    sign_in_by_link(client, mailoutbox, "sam@acme.test", "Acme")
    assert client.get("/console/").status_code == 200
    Person.objects.filter(pk=sam.pk).update(active=False)
    response = client.get("/")
    # Not Globex silently: the person is asked to choose, and must sign in there.
    assert response.status_code == 302 and response["Location"] == "/account/organizations/"
    assert client.get("/console/").status_code == 403


def test_a_link_signs_in_to_its_own_organization_only(client, cast, sam, mailoutbox):
    mailoutbox.clear()
    client.post("/login/", {"email": "sam@acme.test"})
    assert len(links_to(mailoutbox, "sam@acme.test")) == 2  # one link per organization
    (globex_link,) = links_to(mailoutbox, "sam@acme.test", "Globex")
    client.post(globex_link)
    assert client.get("/console/").status_code == 403  # Globex participant
    page = client.get("/account/organizations/")
    assert b"Send me a sign-in link" in page.content
    # Switching to Acme is refused without Acme's own sign-in: a link is mailed instead.
    mailoutbox.clear()
    client.post("/account/organizations/", {"organization": cast.org.pk})
    assert client.get("/console/").status_code == 403
    (acme_link,) = links_to(mailoutbox, "sam@acme.test")
    client.post(acme_link)
    assert client.get("/console/").status_code == 200


def test_a_password_session_may_switch_between_its_memberships(client, cast, sam):
    assert client.login(username="sam@acme.test", password=PASSWORD)
    assert client.get("/").status_code == 302  # two memberships: choose one
    client.post("/account/organizations/", {"organization": cast.other_org.pk})
    assert client.get("/console/").status_code == 403
    client.post("/account/organizations/", {"organization": cast.org.pk})
    assert client.get("/console/").status_code == 200


def test_an_organization_one_does_not_belong_to_cannot_be_chosen(client, cast):
    client.force_login(cast.alice.user)
    response = client.post("/account/organizations/", {"organization": cast.other_org.pk})
    assert response.status_code == 404
    assert client.get("/console/").status_code == 200  # still Alice at Acme
