"""The retention page: an organization admin sets how long check-in comments are kept
(the nightly housekeeping deletes older ones); audited; admins only; in German too."""

from __future__ import annotations

import pytest

from crosspaths.console.models import AuditLog
from crosspaths.people.models import Organization

pytestmark = pytest.mark.django_db


def test_an_admin_sets_the_retention_and_the_audit_log_says_so(admin_client, cast):
    response = admin_client.post("/console/retention/", {"checkin_comment_months": "6"})
    assert response.status_code == 302
    assert Organization.objects.get(pk=cast.org.pk).checkin_comment_months == 6
    entry = AuditLog.objects.get(action=AuditLog.Action.RETENTION)
    assert entry.organization == cast.org and entry.actor == cast.alice
    assert entry.summary == "Check-in comments kept: for good → 6 months"
    assert entry.details == {"checkin_comment_months": {"before": None, "after": 6}}
    page = admin_client.get("/console/retention/").content.decode()
    assert 'value="6"' in page and "Retention saved." in page


def test_empty_keeps_comments_for_good(admin_client, cast):
    Organization.objects.filter(pk=cast.org.pk).update(checkin_comment_months=3)
    admin_client.post("/console/retention/", {"checkin_comment_months": ""})
    assert Organization.objects.get(pk=cast.org.pk).checkin_comment_months is None
    assert AuditLog.objects.get(action=AuditLog.Action.RETENTION).summary == (
        "Check-in comments kept: 3 months → for good"
    )


def test_saving_the_same_period_records_nothing(admin_client, cast):
    admin_client.post("/console/retention/", {"checkin_comment_months": ""})
    assert not AuditLog.objects.filter(action=AuditLog.Action.RETENTION).exists()


@pytest.mark.parametrize("months", ["0", "121", "six"])
def test_a_period_out_of_range_is_explained_and_changes_nothing(admin_client, cast, months):
    response = admin_client.post("/console/retention/", {"checkin_comment_months": months})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert Organization.objects.get(pk=cast.org.pk).checkin_comment_months is None


def test_only_admins_set_the_retention(manager_client, cast):
    assert (
        manager_client.post("/console/retention/", {"checkin_comment_months": "1"}).status_code
        == 403
    )
    assert Organization.objects.get(pk=cast.org.pk).checkin_comment_months is None


def test_the_page_speaks_german(admin_client, cast):
    page = admin_client.get("/console/retention/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Aufbewahrung" in page and "Kommentare aus Rückmeldungen aufbewahren (Monate)" in page
