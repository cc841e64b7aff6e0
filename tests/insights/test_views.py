"""The insights pages: who may see them, what the filters accept, the CSV and the PDF."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from crosspaths.insights.services import insights_backfill
from crosspaths.people.models import Person
from crosspaths.programs.models import Program

from ..cast import make_person
from . import network


@pytest.fixture
def net(cast):
    """The known network inside the cast's organization (Alice is its admin)."""
    built = network.build(cast.org)
    cast.org.min_cell_size = 2
    cast.org.save()
    insights_backfill(organization=cast.org)
    return built


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_participants_may_not_see_insights(client, cast):
    client.force_login(cast.bob.user)
    assert client.get(reverse("insights:dashboard")).status_code == 403
    assert client.get(reverse("insights:csv", args=["meetings"])).status_code == 403


def test_an_admin_sees_every_figure_of_the_whole_organization(client, cast, net):
    client.force_login(cast.alice.user)
    response = client.get(reverse("insights:dashboard"), {"period": "all"})
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Participation",
        "Meetings that happened",
        "Who meets whom",
        "Silo index per department",
        "Reach: how many colleagues people have met",
        "Waiting longest for a group",
    ):
        assert title in html
    assert html.count('role="img"') >= 9
    assert "All programs" in html


def test_a_program_manager_sees_only_their_program(client, cast, net):
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    net.lunch.managers.add(cast.chidi)
    client.force_login(cast.chidi.user)
    response = client.get(
        reverse("insights:dashboard"), {"program": net.coffee.pk, "period": "all"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "All programs" not in html and "Reach: how many" not in html
    assert response.context["filters"].program == net.lunch  # coffee is not theirs
    assert "Select a valid choice" in html
    assert client.get(reverse("insights:csv", args=["reach"])).status_code == 404


def test_a_program_manager_without_programs_may_not(client, cast):
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    client.force_login(cast.chidi.user)
    assert client.get(reverse("insights:dashboard")).status_code == 403


def test_another_organizations_program_is_not_a_valid_filter(client, cast, net):
    theirs = Program.objects.create(organization=cast.other_org, name="Theirs", format="walk")
    client.force_login(cast.alice.user)
    response = client.get(reverse("insights:dashboard"), {"program": theirs.pk})
    assert response.status_code == 200 and response.context["filters"].program is None
    assert "Select a valid choice" in response.content.decode()


def test_an_unknown_period_is_an_error_next_to_the_field(client, cast, net):
    client.force_login(cast.alice.user)
    response = client.get(reverse("insights:dashboard"), {"period": "forever"})
    assert response.context["filters"].period.key == "12m"
    assert "Select a valid choice" in response.content.decode()


def test_the_csv_holds_the_numbers_behind_a_figure(client, cast, net):
    client.force_login(cast.alice.user)
    response = client.get(reverse("insights:csv", args=["connections"]), {"period": "all"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Period starting", "New connections", "Distinct connections so far"]
    assert rows[-1][-1] == "10"
    assert client.get(reverse("insights:csv", args=["nonsense"])).status_code == 404


def test_the_csv_escapes_text_a_spreadsheet_would_run_as_a_formula(client, cast, net):
    net.finance.name = '=HYPERLINK("http://evil.test","Finance")'
    net.finance.save()
    net.z1.name = "@SUM(A1)"
    net.z1.save()
    client.force_login(cast.alice.user)
    rows = [
        row
        for slug in ("departments", "silos", "waiting")
        for row in csv.reader(
            io.StringIO(
                client.get(
                    reverse("insights:csv", args=[slug]), {"period": "2026-q1"}
                ).content.decode()
            )
        )
    ]
    cells = [cell for row in rows for cell in row]
    assert "'" + net.finance.name in cells and net.finance.name not in cells
    assert "'@SUM(A1)" in cells and "@SUM(A1)" not in cells
    assert "-1.0" in cells  # a negative E-I index (weekly, 12 Jan) stays a number


def test_the_waiting_csv_names_people_but_no_answers(client, cast, net):
    client.force_login(cast.alice.user)
    response = client.get(reverse("insights:csv", args=["waiting"]))
    text = response.content.decode()
    assert "Z1" in text and "rating" not in text.lower()


def test_the_quarterly_report_is_a_pdf(client, cast, net):
    client.force_login(cast.alice.user)
    response = client.get(reverse("insights:report", args=["2026-q1"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(reverse("insights:report", args=["2026-q5"])).status_code == 404


def test_people_of_another_organization_see_only_theirs(client, cast, net):
    client.force_login(cast.dana.user)
    response = client.get(reverse("insights:dashboard"), {"period": "all"})
    assert response.status_code == 200
    assert not response.context["headline"].shown  # Globex has no rounds
    # Read the words on the page, not the markup: a random CSRF token once
    # contained "F1" and failed this test on an unlucky run.
    words = set(re.findall(r"\w+", strip_tags(response.content.decode())))
    assert words.isdisjoint({"F1", "E1", "L1", "Finance", "Legal", "Lisbon"})


def test_the_nav_shows_insights_to_admins_only(client, cast):
    client.force_login(cast.alice.user)
    assert reverse("insights:dashboard") in client.get("/").content.decode()
    client.force_login(make_person(cast.org, "pat@acme.test", "Pat").user)
    assert reverse("insights:dashboard") not in client.get("/").content.decode()


@pytest.fixture
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_page_says_when_figures_were_last_counted(client, cast, net):
    client.force_login(cast.alice.user)
    body = client.get(reverse("insights:dashboard")).content.decode()
    assert "Figures last counted" in body and "(Europe/Berlin)" in body
    assert "every night (after 2:00 UTC) and when a round closes" in body


def test_before_any_count_the_page_says_so(client, cast):
    client.force_login(cast.alice.user)
    body = client.get(reverse("insights:dashboard")).content.decode()
    assert "Nothing counted yet." in body


def test_an_admin_recounts_now_and_a_second_press_queues_nothing(client, cast, net, fresh_cache):
    from crosspaths.insights.models import RoundFigures

    RoundFigures.objects.filter(organization=cast.org).delete()
    client.force_login(cast.alice.user)
    body = client.get(reverse("insights:dashboard")).content.decode()
    assert "Recount now" in body
    response = client.post(reverse("insights:recount"), follow=True)
    assert "The figures are being counted again" in response.content.decode()
    # The test settings run tasks at once: the figures are back.
    assert RoundFigures.objects.filter(organization=cast.org, location__isnull=True).count() == 3
    again = client.post(reverse("insights:recount"), follow=True)
    assert "A recount is already under way" in again.content.decode()


def test_program_managers_and_participants_cannot_recount(client, cast, net, fresh_cache):
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    Program.objects.filter(organization=cast.org).first().managers.add(cast.chidi)
    client.force_login(cast.chidi.user)
    assert "Recount now" not in client.get(reverse("insights:dashboard")).content.decode()
    assert client.post(reverse("insights:recount")).status_code == 403
    client.force_login(cast.bob.user)
    assert client.post(reverse("insights:recount")).status_code == 403
