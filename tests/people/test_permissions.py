"""Roles: admins run their organization, program managers their programs, participants
only themselves; nothing crosses organizations."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from crosspaths.people.models import Person
from crosspaths.people.permissions import admin_required, manager_required
from crosspaths.programs.models import Program
from crosspaths.programs.permissions import can_manage_program, manageable_programs


@pytest.fixture
def programs(cast):
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    lunch = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    theirs = Program.objects.create(organization=cast.other_org, name="Theirs", format="walk")
    return coffee, lunch, theirs


def test_an_admin_manages_every_program_of_their_organization_only(cast, programs):
    coffee, lunch, theirs = programs
    assert can_manage_program(cast.alice, coffee) and can_manage_program(cast.alice, lunch)
    assert not can_manage_program(cast.alice, theirs)
    assert set(manageable_programs(cast.alice)) == {coffee, lunch}


def test_a_program_manager_manages_only_the_programs_they_are_given(cast, programs):
    coffee, lunch, _ = programs
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    coffee.managers.add(cast.chidi)
    assert can_manage_program(cast.chidi, coffee) and not can_manage_program(cast.chidi, lunch)
    assert list(manageable_programs(cast.chidi)) == [coffee]


def test_a_participant_manages_nothing_even_when_listed_as_manager(cast, programs):
    coffee, _, _ = programs
    coffee.managers.add(cast.bob)
    assert not can_manage_program(cast.bob, coffee)
    assert not manageable_programs(cast.bob).exists()


def test_an_admin_of_another_organization_manages_nothing_here(cast, programs):
    coffee, _, theirs = programs
    assert not can_manage_program(cast.dana, coffee)
    assert list(manageable_programs(cast.dana)) == [theirs]


def _request(person, user=None):
    request = RequestFactory().get("/")
    request.user = user or person.user
    request.person = person
    return request


def ok(request):
    return HttpResponse("ok")


def test_admin_required_lets_admins_through_and_refuses_the_rest(cast):
    assert admin_required(ok)(_request(cast.alice)).status_code == 200
    with pytest.raises(PermissionDenied):
        admin_required(ok)(_request(cast.bob))


def test_manager_required_refuses_participants(cast):
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    assert manager_required(ok)(_request(cast.chidi)).status_code == 200
    with pytest.raises(PermissionDenied):
        manager_required(ok)(_request(cast.bob))


def test_signed_out_visitors_are_sent_to_sign_in(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/console/")
    request.user, request.person = AnonymousUser(), None
    response = admin_required(ok)(request)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
