"""The people page: who is invited and who has joined, and roles."""

from __future__ import annotations

from django.utils import timezone

from crosspaths.console.models import AuditLog
from crosspaths.people.models import Person

from ..cast import make_person


def test_the_list_shows_join_status_and_filters_by_it(admin_client, cast):
    invited = make_person(cast.org, "ivy@acme.test", "Ivy Invited", login=False)
    invited.invited_at = timezone.now()
    invited.save()
    make_person(cast.org, "nina@acme.test", "Nina New", login=False)
    body = admin_client.get("/console/people/").content.decode()
    assert "Ivy Invited" in body and "Nina New" in body and "Dana" not in body
    joined = admin_client.get("/console/people/?status=joined").context["page"].object_list
    assert {p.email for p in joined} == {"alice@acme.test", "bob@acme.test", "chidi@acme.test"}
    waiting = admin_client.get("/console/people/?status=invited").context["page"].object_list
    assert [p.email for p in waiting] == ["ivy@acme.test"]
    fresh = admin_client.get("/console/people/?status=not_invited").context["page"].object_list
    assert [p.email for p in fresh] == ["nina@acme.test"]


def test_search_and_department_filter(admin_client, cast):
    found = admin_client.get(f"/console/people/?q=okafor&department={cast.engineering.pk}")
    assert [p.email for p in found.context["page"].object_list] == ["chidi@acme.test"]


def test_an_admin_makes_someone_program_manager_and_it_is_logged(admin_client, cast):
    response = admin_client.post(f"/console/people/{cast.chidi.pk}/", {"role": "program_manager"})
    assert response.status_code == 302
    cast.chidi.refresh_from_db()
    assert cast.chidi.role == Person.Role.PROGRAM_MANAGER
    entry = AuditLog.objects.get(action="person.role")
    assert entry.details == {"role": ["participant", "program_manager"]}
    assert "Chidi Okafor" in entry.summary


def test_the_last_admin_keeps_the_role(admin_client, cast):
    response = admin_client.post(f"/console/people/{cast.alice.pk}/", {"role": "participant"})
    assert response.status_code == 400
    assert "at least one admin" in response.content.decode()
    assert "Alice Adler" in response.content.decode()
    cast.alice.refresh_from_db()
    assert cast.alice.role == Person.Role.ADMIN and not AuditLog.objects.exists()


def test_an_admin_can_step_down_when_another_admin_exists(admin_client, cast):
    cast.chidi.role = Person.Role.ADMIN
    cast.chidi.save()
    admin_client.post(f"/console/people/{cast.alice.pk}/", {"role": "participant"})
    cast.alice.refresh_from_db()
    assert cast.alice.role == Person.Role.PARTICIPANT


def test_someone_in_another_organization_is_not_found(admin_client, cast):
    assert admin_client.get(f"/console/people/{cast.dana.pk}/").status_code == 404
    response = admin_client.post(f"/console/people/{cast.dana.pk}/", {"role": "participant"})
    assert response.status_code == 404
    cast.dana.refresh_from_db()
    assert cast.dana.role == Person.Role.ADMIN


def test_program_managers_cannot_see_people_or_change_roles(manager_client, cast):
    assert manager_client.get("/console/people/").status_code == 403
    assert (
        manager_client.post(f"/console/people/{cast.bob.pk}/", {"role": "admin"}).status_code == 403
    )
    cast.bob.refresh_from_db()
    assert cast.bob.role == Person.Role.PARTICIPANT


def test_an_admin_deactivates_someone_by_hand_and_it_is_logged(admin_client, cast):
    response = admin_client.post(f"/console/people/{cast.chidi.pk}/", {"active": "0"})
    assert response.status_code == 302
    cast.chidi.refresh_from_db()
    assert not cast.chidi.active and cast.chidi.deactivated_at is not None
    entry = AuditLog.objects.get(action="person.active")
    assert entry.summary == "Deactivated Chidi Okafor" and entry.details == {"active": False}
    admin_client.post(f"/console/people/{cast.chidi.pk}/", {"active": "1"})
    cast.chidi.refresh_from_db()
    assert cast.chidi.active and cast.chidi.deactivated_at is None


def test_the_last_admin_cannot_deactivate_themselves_in_the_console(admin_client, cast):
    response = admin_client.post(f"/console/people/{cast.alice.pk}/", {"active": "0"})
    assert response.status_code == 400
    assert "Alice Adler cannot lose the admin role" in response.content.decode()
    cast.alice.refresh_from_db()
    assert cast.alice.active and not AuditLog.objects.exists()


def test_a_bounced_address_is_shown_on_the_persons_page(admin_client, cast):
    from crosspaths.people.services import people_mark_bounced

    people_mark_bounced(email=cast.bob.email, reason="550 5.1.1 no such mailbox")
    body = admin_client.get(f"/console/people/{cast.bob.pk}/").content.decode()
    assert "Bounced on" in body and "550 5.1.1 no such mailbox" in body
    cast.bob.email = "bob.brandt@acme.test"
    cast.bob.save()
    body = admin_client.get(f"/console/people/{cast.bob.pk}/").content.decode()
    assert "Bounced on" not in body
