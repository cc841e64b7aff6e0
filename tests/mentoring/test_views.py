"""The mentoring pages through Django's test client: the console's settings in plain
words, starting a cycle, and the participant's join form."""

from __future__ import annotations

import pytest
from django.test import Client

from crosspaths.console.models import AuditLog
from crosspaths.mentoring.models import Cycle, MentoringRole, MentoringSettings
from crosspaths.programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(cast):
    return Program.objects.create(
        organization=cast.org, name="Mentoring", format=Program.Format.MENTORING
    )


def client_for(person) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(person.user)
    return c


def test_the_console_saves_the_settings_and_logs_them(cast, program):
    page = client_for(cast.alice).post(
        f"/console/mentoring/{program.pk}/",
        {"gap_min": 2, "gap_max": 4, "capacity_default": 3, "cycle_months": 6},
    )
    assert page.status_code == 302
    row = MentoringSettings.objects.get(program=program)
    assert (row.gap_min, row.gap_max, row.capacity_default, row.cycle_months) == (2, 4, 3, 6)
    assert AuditLog.objects.filter(action=AuditLog.Action.PROGRAM_UPDATE).exists()
    text = client_for(cast.alice).get(f"/console/mentoring/{program.pk}/").content.decode()
    assert "2 to 4 levels above them" in text and "A cycle lasts 6 months." in text


def test_a_gap_range_upside_down_is_refused_with_where(cast, program):
    page = client_for(cast.alice).post(
        f"/console/mentoring/{program.pk}/",
        {"gap_min": 4, "gap_max": 2, "capacity_default": 2, "cycle_months": 3},
    )
    assert page.status_code == 400
    assert "The largest level gap must be at least the smallest one." in page.content.decode()
    assert not MentoringSettings.objects.filter(program=program).exists()


def test_a_participant_cannot_use_the_console(cast, program):
    assert client_for(cast.bob).get(f"/console/mentoring/{program.pk}/").status_code == 403


def test_starting_without_participants_says_so(cast, program):
    page = client_for(cast.alice).post(f"/console/mentoring/{program.pk}/start/", follow=True)
    assert "Nobody has joined Mentoring as a mentor or mentee yet." in page.content.decode()
    assert not Cycle.objects.exists()


def test_joining_as_a_mentor_with_a_capacity(cast, program):
    page = client_for(cast.chidi).post(
        f"/mentoring/{program.pk}/join/", {"role": "mentor", "capacity": "3"}, follow=True
    )
    assert "You joined Mentoring as a mentor." in page.content.decode()
    role = MentoringRole.objects.get(person=cast.chidi)
    assert (role.role, role.capacity) == ("mentor", 3)


def test_a_made_up_role_is_refused_with_the_field(cast, program):
    page = client_for(cast.chidi).post(f"/mentoring/{program.pk}/join/", {"role": "boss"})
    assert page.status_code == 400
    assert "Select a valid choice" in page.content.decode()
    assert not MentoringRole.objects.exists()


def test_another_format_has_no_mentoring_page(cast):
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    assert client_for(cast.bob).get(f"/mentoring/{coffee.pk}/").status_code == 404


def test_the_console_counts_people_enrolled_without_a_role(cast, program):
    from crosspaths.programs.enrollments import enrollment_join

    enrollment_join(person=cast.bob, program=program)
    text = client_for(cast.alice).get(f"/console/mentoring/{program.pk}/").content.decode()
    assert "1 person is enrolled without choosing mentor or mentee" in text
    assert (
        "Preview a round"
        not in client_for(cast.alice).get(f"/console/programs/{program.pk}/").content.decode()
    )
