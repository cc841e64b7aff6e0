"""The console page: connect a tenant, see who is reachable, send yourself a test
message on Teams, download the app package, disconnect (everybody on e-mail again)."""

from __future__ import annotations

import io
import json
import zipfile

from django.test import Client
from PIL import Image

from crosspaths.console.models import AuditLog
from crosspaths.notify.models import ChatAccount, Message
from crosspaths.notify.selection import channels_for_people, organization_channels
from crosspaths.notify.services import messages_deliver
from crosspaths.teams.models import TeamsInstallation, TeamsUser

from .conftest import ACME, GLOBEX, teams_post
from .fake_teams import card_errors


def admin_client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_connecting_claims_the_tenant_and_makes_teams_the_first_channel(fake, cast):
    client = admin_client(cast.alice)
    page = client.get("/console/teams/")
    assert page.status_code == 200 and b"Connect Teams" in page.content
    response = client.post("/console/teams/connect/", {"tenant_id": ACME.upper()})
    assert response.status_code == 302
    assert TeamsInstallation.objects.get(organization=cast.org).tenant_id == ACME
    assert organization_channels(organization_id=cast.org.pk) == ["teams", "email"]
    assert AuditLog.objects.filter(organization=cast.org, action="teams.connect").exists()


def test_a_tenant_id_that_is_no_guid_or_anothers_tenant_is_refused(fake, cast):
    admin_client(cast.dana).post("/console/teams/connect/", {"tenant_id": GLOBEX})
    client = admin_client(cast.alice)
    bad = client.post("/console/teams/connect/", {"tenant_id": "acme.onmicrosoft.com"}, follow=True)
    assert "is not one" in bad.content.decode()
    taken = client.post("/console/teams/connect/", {"tenant_id": GLOBEX}, follow=True)
    assert "already connected to another organization" in taken.content.decode()
    assert not TeamsInstallation.objects.filter(organization=cast.org).exists()
    assert TeamsInstallation.objects.get(tenant_id=GLOBEX).organization == cast.other_org


def test_reach_test_message_and_disconnect(tenants, fake, cast, client):
    alice = fake.add_user(ACME, "alice@acme.test", name="Alice Adler")
    assert teams_post(client, fake, fake.installed(ACME, alice)).status_code == 200
    admin = admin_client(cast.alice)
    page = admin.get("/console/teams/").content.decode()
    assert "3 people reachable on Teams" in page
    assert "bob@acme.test" in page and "dana@globex.test" not in page
    assert admin.post("/console/teams/test/").status_code == 302
    (test,) = Message.objects.filter(kind="test")
    assert (test.channel, test.person) == ("teams", cast.alice)
    assert messages_deliver(message_ids=[test.pk]).sent == 1
    (posted,) = [p for p in fake.cards() if p.user_id == alice["id"]]
    assert card_errors(posted.card) == []
    assert posted.card["body"][0]["text"] == "Test message from Crosspaths"
    assert "Microsoft Teams" in json.dumps(posted.card)

    people = [cast.alice.pk, cast.bob.pk, cast.chidi.pk]
    assert set(channels_for_people(organization_id=cast.org.pk, person_ids=people).values()) == {
        "teams"
    }
    assert admin.post("/console/teams/disconnect/").status_code == 302
    assert not TeamsInstallation.objects.filter(organization=cast.org).exists()
    assert not TeamsUser.objects.filter(organization=cast.org).exists()
    assert not ChatAccount.objects.filter(organization=cast.org, channel="teams").exists()
    assert set(channels_for_people(organization_id=cast.org.pk, person_ids=people).values()) == {
        "email"
    }
    # Globex's tenant and people are untouched.
    assert TeamsUser.objects.filter(organization=cast.other_org).count() == 1


def test_a_test_message_needs_the_app(tenants, fake, cast):
    response = admin_client(cast.alice).post("/console/teams/test/", follow=True)
    assert "not reachable on Teams yet" in response.content.decode()
    assert not Message.objects.filter(kind="test").exists()


def test_participants_cannot_see_or_change_the_teams_page(tenants, cast):
    bob = admin_client(cast.bob)
    assert bob.get("/console/teams/").status_code == 403
    assert bob.post("/console/teams/disconnect/").status_code == 403
    assert TeamsInstallation.objects.filter(organization=cast.org).exists()


def test_the_app_package_from_the_console_and_the_command(tenants, fake, cast, tmp_path):
    from django.core.management import call_command

    data = admin_client(cast.alice).get("/console/teams/package/").content
    target = tmp_path / "app.zip"
    call_command("teams_manifest", "--org", cast.org.slug, "-o", str(target))
    for blob in (data, target.read_bytes()):
        archive = zipfile.ZipFile(io.BytesIO(blob))
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        check_manifest(manifest, fake.app_id)
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
        assert color.size == (192, 192) and outline.size == (32, 32)
        # The outline icon is white on transparent, as Teams requires.
        raw = outline.convert("RGBA").tobytes()
        pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
        assert {p[:3] for p in pixels if p[3]} == {(255, 255, 255)}


def check_manifest(manifest: dict, app_id: str) -> None:
    """The checks the Teams manifest schema (v1.17) makes on the fields we write: the
    schema itself is not shipped here (not in any package available offline)."""
    import re
    import uuid

    required = {
        "manifestVersion",
        "version",
        "id",
        "developer",
        "name",
        "description",
        "icons",
        "accentColor",
    }
    assert required <= set(manifest)
    assert manifest["manifestVersion"] == "1.17"
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    uuid.UUID(manifest["id"])
    for key in ("name", "websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert manifest["developer"][key]
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["name"]["full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", manifest["accentColor"])
    (bot,) = manifest["bots"]
    assert bot["botId"] == app_id and bot["scopes"] == ["personal"]
    (commands,) = bot["commandLists"]  # the schema: at most 10 commands, title 32, text 128
    assert commands["scopes"] == ["personal"] and 1 <= len(commands["commands"]) <= 10
    assert all(len(c["title"]) <= 32 and len(c["description"]) <= 128 for c in commands["commands"])
    assert [c["title"].split()[0] for c in commands["commands"]] == ["status", "pause", "resume"]
    assert manifest["webApplicationInfo"]["id"] == app_id
    assert all("://" not in d for d in manifest["validDomains"])


def test_the_command_explains_what_is_missing(cast, settings, tmp_path):
    import pytest
    from django.core.management import CommandError, call_command

    settings.TEAMS_APP_ID = ""
    with pytest.raises(CommandError, match="TEAMS_APP_ID"):
        call_command("teams_manifest", "--org", cast.org.slug, "-o", str(tmp_path / "a.zip"))
    settings.TEAMS_APP_ID = "x"
    with pytest.raises(CommandError, match="no organization with the slug 'nope'"):
        call_command("teams_manifest", "--org", "nope", "-o", str(tmp_path / "a.zip"))
