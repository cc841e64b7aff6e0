"""The one-minute onboarding and "My preferences"."""

import pytest

from crosspaths.people.models import Department, Location, Person
from crosspaths.programs.models import Enrollment

from ..cast import PASSWORD, make_person
from .conftest import make_program


@pytest.fixture
def programs(cast):
    coffee = make_program(
        cast.org, name="Virtual coffee", description="Twenty minutes, any office."
    )
    lunch = make_program(
        cast.org, name="Munich lunch", format="lunch", audience={"locations": [cast.munich.pk]}
    )
    elsewhere = Location.objects.create(
        organization=cast.org, name="Lisbon", timezone="Europe/Lisbon"
    )
    lisbon = make_program(
        cast.org, name="Lisbon lunch", format="lunch", audience={"locations": [elsewhere.pk]}
    )
    globex = make_program(cast.other_org, name="Globex coffee")
    return coffee, lunch, lisbon, globex


def answers(**extra):
    data = {
        "languages": ["de", "en"],
        "timezone": "Europe/Berlin",
        "interests": "Chess,  board games , chess",
        "suggested_interests": [],
        "availability": ["0-lunch", "0-afternoon", "3-morning"],
        "language": "en",
    }
    data.update(extra)
    return data


def test_onboarding_shows_what_hr_knows_read_only(client, cast, programs):
    Person.objects.filter(pk=cast.bob.pk).update(roster_synced=True, title="People Partner")
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/start/").content.decode()
    for fact in ("People", "Munich", "People Partner", "Alice Adler"):
        assert f"<dd>{fact}</dd>" in body
    assert 'name="department"' not in body
    assert "This comes from HR" in body


def test_onboarding_offers_only_programs_open_to_the_person(client, cast, programs):
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/start/").content.decode()
    assert "Virtual coffee" in body and "Munich lunch" in body
    assert "Lisbon lunch" not in body and "Globex coffee" not in body


def test_completing_onboarding_saves_everything_at_once(client, cast, programs):
    coffee, *_ = programs
    client.login(username="bob@acme.test", password=PASSWORD)
    response = client.post("/start/", answers(programs=[coffee.pk]))
    assert response.status_code == 302 and response["Location"] == "/"
    bob = Person.objects.get(pk=cast.bob.pk)
    assert bob.onboarded_at is not None
    assert bob.languages == ["de", "en"]
    assert bob.interests == ["chess", "board games"]
    assert bob.availability == [
        {"weekday": 0, "start": "12:00", "end": "17:00"},
        {"weekday": 3, "start": "09:00", "end": "12:00"},
    ]
    assert list(Enrollment.objects.filter(person=bob).values_list("program", flat=True)) == [
        coffee.pk
    ]


def test_a_program_outside_the_persons_audience_cannot_be_posted(client, cast, programs):
    _coffee, _lunch, lisbon, globex = programs
    client.login(username="bob@acme.test", password=PASSWORD)
    for program in (lisbon, globex):
        response = client.post("/start/", answers(programs=[program.pk]))
        assert response.status_code == 400
        assert (
            'id="id_programs_error"' in response.content.decode()
            or "field-error" in response.content.decode()
        )
    assert not Enrollment.objects.exists()
    assert Person.objects.get(pk=cast.bob.pk).onboarded_at is None


def test_errors_are_explained_next_to_their_fields_and_nothing_is_saved(client, cast, programs):
    client.login(username="bob@acme.test", password=PASSWORD)
    response = client.post(
        "/start/", answers(languages=[], timezone="Mars/Olympus", interests="x" * 50)
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_languages_error"' in body and "Choose at least one language" in body
    assert 'id="id_timezone_error"' in body
    assert 'id="id_interests_error"' in body and "too long" in body
    assert Person.objects.get(pk=cast.bob.pk).onboarded_at is None


def test_interest_suggestions_come_from_colleagues_in_the_same_organization(client, cast):
    Person.objects.filter(pk=cast.dana.pk).update(interests=["sailing"])
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/start/").content.decode()
    # Bob likes chess and cycling already, as do Alice and Chidi; Dana is elsewhere.
    assert 'value="sailing"' not in body and "Popular with your colleagues" not in body
    Person.objects.filter(pk=cast.chidi.pk).update(interests=["chess", "jazz"])
    body = client.get("/start/").content.decode()
    assert "Popular with your colleagues" in body
    assert 'value="jazz"' in body and 'value="chess"' not in body


def test_a_person_not_synced_from_hr_can_set_their_department(client, cast, programs):
    client.login(username="bob@acme.test", password=PASSWORD)
    response = client.post(
        "/start/",
        answers(department=cast.engineering.pk, location=cast.munich.pk, title="Tinkerer"),
    )
    assert response.status_code == 302
    bob = Person.objects.get(pk=cast.bob.pk)
    assert bob.department == cast.engineering and bob.title == "Tinkerer"


def test_a_department_of_another_organization_is_refused(client, cast, programs):
    foreign = Department.objects.get(organization=cast.other_org)
    client.login(username="bob@acme.test", password=PASSWORD)
    response = client.post("/start/", answers(department=foreign.pk))
    assert response.status_code == 400 and 'id="id_department_error"' in response.content.decode()


def test_synced_people_cannot_change_hr_fields_by_posting_them(client, cast, programs):
    Person.objects.filter(pk=cast.bob.pk).update(roster_synced=True)
    client.login(username="bob@acme.test", password=PASSWORD)
    client.post("/start/", answers(department=cast.engineering.pk, title="CEO"))
    bob = Person.objects.get(pk=cast.bob.pk)
    assert bob.department == cast.people_dept and bob.title == ""


def test_the_time_zone_is_prefilled_from_the_location(client, cast):
    lisbon = Location.objects.create(organization=cast.org, name="Lisbon", timezone="Europe/Lisbon")
    newcomer = make_person(cast.org, "erin@acme.test", "Erin", location=lisbon)
    client.login(username=newcomer.email, password=PASSWORD)
    body = client.get("/start/").content.decode()
    assert '<option value="Europe/Lisbon" selected>' in body


def test_my_preferences_edits_the_same_answers_later(client, cast):
    Person.objects.filter(pk=cast.bob.pk).update(
        availability=[{"weekday": 1, "start": "09:00", "end": "14:00"}]
    )
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/preferences/").content.decode()
    assert 'value="1-morning" id="id_availability_1-morning" checked' in body
    assert 'value="1-lunch" id="id_availability_1-lunch" checked' in body
    assert 'value="1-afternoon" id="id_availability_1-afternoon">' in body
    response = client.post("/preferences/", answers(language="de", suggested_interests=[]))
    assert response.status_code == 302
    bob = Person.objects.get(pk=cast.bob.pk)
    assert bob.language == "de" and bob.interests == ["chess", "board games"]


@pytest.mark.parametrize("url", ["/start/", "/preferences/"])
def test_preference_pages_make_a_bounded_number_of_queries(
    client, cast, programs, django_assert_max_num_queries, url
):
    for n in range(30):
        make_person(cast.org, f"p{n}@acme.test", f"P {n}", login=False, interests=[f"i{n}", "go"])
    client.login(username="bob@acme.test", password=PASSWORD)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/start/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/start/")
