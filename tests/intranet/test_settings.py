"""The console page where an admin lists the intranet pages that may show the cards."""

from __future__ import annotations

import pytest
from django.test import Client

from crosspaths.console.models import AuditLog
from crosspaths.intranet.models import EmbedSettings

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_an_admin_sets_the_allow_list_and_the_audit_log_says_so(cast, settings):
    settings.INTRANET_ALLOW_HTTP_ORIGINS = False
    client = signed_in(cast.alice)
    page = client.get("/console/intranet/")
    assert page.status_code == 200 and "/embed/card/?t=TOKEN" in page.content.decode()
    response = client.post(
        "/console/intranet/",
        {"origins": "https://intranet.acme.test\nhttps://acme.sharepoint.com/"},
    )
    assert response.status_code == 302
    assert EmbedSettings.objects.get(organization=cast.org).origins == [
        "https://intranet.acme.test",
        "https://acme.sharepoint.com",
    ]
    entry = AuditLog.objects.get(organization=cast.org, action="intranet.settings")
    assert entry.actor == cast.alice and "https://acme.sharepoint.com" in entry.summary
    # Saving the same list again records nothing.
    client.post(
        "/console/intranet/", {"origins": "https://intranet.acme.test\nhttps://acme.sharepoint.com"}
    )
    assert AuditLog.objects.filter(action="intranet.settings").count() == 1


def test_a_bad_origin_is_refused_naming_its_line_and_nothing_changes(cast, settings):
    settings.INTRANET_ALLOW_HTTP_ORIGINS = False
    client = signed_in(cast.alice)
    response = client.post(
        "/console/intranet/", {"origins": "https://intranet.acme.test\nhttp://wiki.acme.test"}
    )
    assert response.status_code == 400
    assert "Line 2" in response.content.decode() and "https://" in response.content.decode()
    assert EmbedSettings.objects.get(organization=cast.org).origins == []
    assert not AuditLog.objects.filter(action="intranet.settings").exists()


def test_the_page_is_in_german_for_a_german_admin(cast):
    client = signed_in(cast.alice)
    client.cookies["django_language"] = "de"
    body = client.get("/console/intranet/", headers={"Accept-Language": "de"}).content.decode()
    assert "Intranet-Seiten" in body


@pytest.mark.parametrize("who", ["bob", "chidi"])
def test_only_admins_see_the_settings(cast, who):
    client = signed_in(getattr(cast, who))
    assert client.get("/console/intranet/").status_code in (403, 404)
    assert client.post("/console/intranet/", {"origins": "https://x.test"}).status_code in (
        403,
        404,
    )
    assert client.post("/console/intranet/renew/").status_code in (403, 404)
    assert not EmbedSettings.objects.exclude(origins=[]).exists()
    assert not AuditLog.objects.filter(action="intranet.settings").exists()
