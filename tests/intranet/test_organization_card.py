"""The organization card: figures without personal data, hidden below the
organization's smallest group (as the insights), behind a renewable random key."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from crosspaths.console.models import AuditLog
from crosspaths.intranet.services import card_key_renew
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Department
from crosspaths.programs.models import Enrollment, MatchMember

from ..cast import make_person
from ..web.conftest import make_match, make_program
from .conftest import ACME_INTRANET

pytestmark = pytest.mark.django_db


def org_card(embed):
    return Client().get(f"/embed/org/{embed.card_key}/")


def met_across(cast, people, *, program, on=date(2026, 11, 23), met=True):
    match = make_match(people, program=program, on=on)
    if met:
        member = MatchMember.objects.filter(match=match).first()
        CheckIn.objects.create(organization=cast.org, member=member, met=True)
    return match


def colleagues(cast, count):
    sales = Department.objects.create(organization=cast.org, name="Sales")
    return [
        make_person(cast.org, f"p{i}@acme.test", f"P{i}", login=False, department=sales)
        for i in range(count)
    ]


def test_below_the_smallest_group_the_count_is_hidden(cast, embeds):
    cast.org.min_cell_size = 5
    cast.org.save()
    coffee = make_program(cast.org)
    met_across(cast, [cast.bob, cast.chidi], program=coffee)  # 2 people < 5
    body = org_card(embeds["acme"]).content.decode()
    assert "Fewer than 5 colleagues met across departments" in body
    assert "Bob" not in body and "Chidi" not in body


def test_at_the_smallest_group_the_count_is_shown(cast, embeds):
    cast.org.min_cell_size = 5
    cast.org.save()
    coffee = make_program(cast.org)
    lunch = make_program(cast.org, name="Lunch", format="lunch")
    sales = colleagues(cast, 3)
    met_across(cast, [cast.bob, cast.chidi], program=coffee)
    met_across(cast, [sales[0], cast.chidi, sales[1]], program=lunch)  # Chidi again: once
    met_across(cast, [sales[2], cast.alice], program=coffee, on=date(2026, 11, 2))
    # Not counted: a group of one department, a group that did not meet, last month.
    met_across(cast, sales[:2], program=coffee, on=date(2026, 11, 16))
    met_across(cast, [cast.alice, sales[0]], program=coffee, on=date(2026, 11, 9), met=False)
    met_across(cast, [cast.dana], program=make_program(cast.other_org))
    met_across(cast, [cast.bob, sales[1]], program=coffee, on=date(2026, 10, 26))
    body = org_card(embeds["acme"]).content.decode()
    # Bob, Chidi, sales 0 and 1, sales 2, Alice: 6 distinct people.
    assert "<strong>6</strong> colleagues met across departments this month" in body


def test_people_taking_part_are_counted_only_from_the_smallest_group(cast, embeds):
    cast.org.min_cell_size = 3
    cast.org.save()
    coffee = make_program(cast.org)
    for person in (cast.alice, cast.bob):
        Enrollment.objects.create(organization=cast.org, program=coffee, person=person)
    assert "take part" not in org_card(embeds["acme"]).content.decode()
    Enrollment.objects.create(organization=cast.org, program=coffee, person=cast.chidi)
    cache.clear()  # the figures of now, not the ones kept for five minutes
    assert "<strong>3</strong> colleagues take part" in org_card(embeds["acme"]).content.decode()


def test_programs_open_to_everyone_are_counted(cast, embeds):
    make_program(cast.org)
    make_program(cast.org, name="Lunch", format="lunch")
    make_program(cast.org, name="Engineers", audience={"departments": [cast.engineering.pk]})
    make_program(cast.org, name="Stopped", active=False)
    assert "<strong>2</strong> programs open to join" in org_card(embeds["acme"]).content.decode()


def test_the_card_is_framed_by_the_organizations_intranet_only(cast, embeds):
    response = org_card(embeds["acme"])
    assert response.status_code == 200
    assert f"frame-ancestors {ACME_INTRANET}" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert "Globex" not in response.content.decode()


def test_a_renewed_key_retires_the_old_address_and_is_audited(cast, embeds):
    old = embeds["acme"].card_key
    card_key_renew(organization=cast.org, actor=cast.alice)
    assert Client().get(f"/embed/org/{old}/").status_code == 404
    assert AuditLog.objects.filter(organization=cast.org, action="intranet.settings").count() == 2


def test_an_unknown_key_is_a_404_nobody_may_frame(cast, embeds):
    response = Client().get("/embed/org/acme/")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_figures_are_kept_for_five_minutes(cast, embeds):
    cast.org.min_cell_size = 1
    cast.org.save()
    make_program(cast.org)
    assert "<strong>1</strong> program open to join" in org_card(embeds["acme"]).content.decode()
    make_program(cast.org, name="Lunch", format="lunch")
    assert "<strong>1</strong> program open to join" in org_card(embeds["acme"]).content.decode()
    with time_machine.travel(datetime(2026, 11, 26, 8, 6, tzinfo=UTC)):
        body = org_card(embeds["acme"]).content.decode()
    assert "<strong>2</strong> programs open to join" in body


def test_a_raised_threshold_applies_at_once_despite_the_kept_figures(cast, embeds):
    cast.org.min_cell_size = 1
    cast.org.save()
    coffee = make_program(cast.org)
    met_across(cast, [cast.bob, cast.chidi], program=coffee)
    assert "<strong>2</strong> colleagues met" in org_card(embeds["acme"]).content.decode()
    cast.org.min_cell_size = 5
    cast.org.save()
    assert "Fewer than 5 colleagues" in org_card(embeds["acme"]).content.decode()
