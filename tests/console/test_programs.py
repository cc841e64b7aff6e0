"""Programs in plain language: create, edit, refuse bad settings next to the field, log."""

from __future__ import annotations

from crosspaths.console.models import AuditLog
from crosspaths.matching.types import Weights
from crosspaths.people.models import Person
from crosspaths.programs.models import Program


def form_data(cast, **overrides):
    data = {
        "name": "Onboarding buddies",
        "description": "Meet a colleague from elsewhere in your first weeks.",
        "format": "onboarding",
        "cadence": "biweekly",
        "weekday": "2",
        "time": "10:30",
        "starts_on": "2026-12-01",
        "group_size": "2",
        "cooldown_weeks": "26",
        "requires_review": "1",
        "active": "on",
        "audience_departments": [str(cast.engineering.pk)],
        "started_within_days": "90",
        "level_min": "",
        "level_max": "",
        "pref_different_department": "strongly",
        "pref_never_met": "somewhat",
        "pref_different_location": "dont_care",
        "pref_different_team": "somewhat",
        "pref_level_distance": "somewhat",
        "pref_shared_interest": "somewhat",
        "pref_new_hire_with_tenured": "strongly",
        "pref_waited": "somewhat",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_program_with_audience_weights_and_managers(admin_client, cast):
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    response = admin_client.post(
        "/console/programs/new/", form_data(cast, managers=[str(cast.chidi.pk)])
    )
    program = Program.objects.get(name="Onboarding buddies")
    assert (
        response.status_code == 302 and response["Location"] == f"/console/programs/{program.pk}/"
    )
    assert program.organization == cast.org and program.requires_review
    assert program.audience == {"departments": [cast.engineering.pk], "started_within_days": 90}
    defaults = Weights()
    assert program.weights["different_department"] == 2 * defaults.different_department
    assert program.weights["different_location"] == 0
    assert program.weights["never_met"] == defaults.never_met
    assert list(program.managers.all()) == [cast.chidi]
    entry = AuditLog.objects.get(action="program.create")
    assert entry.actor == cast.alice and entry.target_id == str(program.pk)


def test_the_form_explains_every_rule_and_preference_in_a_sentence(admin_client, cast):
    body = admin_client.get("/console/programs/new/").content.decode()
    assert "Prefer people from different departments" in body
    assert "Nobody is matched with their own manager or direct report." in body
    assert "strongly" in body and "don&#x27;t care" in body


def test_invalid_settings_are_refused_with_a_message_next_to_the_field(admin_client, cast):
    response = admin_client.post(
        "/console/programs/new/",
        form_data(cast, group_size="1", level_min="5", level_max="2", started_within_days="0"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"group_size", "level_max", "started_within_days"}
    assert "highest level" in errors["level_max"][0]
    body = response.content.decode()
    assert 'id="id_group_size_error"' in body and 'id="id_level_max_error"' in body
    assert not Program.objects.filter(name="Onboarding buddies").exists()


def test_another_organizations_department_cannot_be_chosen(admin_client, cast):
    theirs = cast.dana.department
    response = admin_client.post(
        "/console/programs/new/", form_data(cast, audience_departments=[str(theirs.pk)])
    )
    assert response.status_code == 400
    assert "audience_departments" in response.context["form"].errors


def test_only_program_managers_can_be_given_a_program(admin_client, cast):
    response = admin_client.post(
        "/console/programs/new/", form_data(cast, managers=[str(cast.bob.pk)])
    )
    assert response.status_code == 400 and "managers" in response.context["form"].errors


def test_editing_logs_exactly_what_changed(admin_client, cast, coffee):
    admin_client.post(
        f"/console/programs/{coffee.pk}/edit/",
        form_data(cast, name="Coffee roulette", format="virtual_coffee", group_size="3"),
    )
    coffee.refresh_from_db()
    assert coffee.group_size == 3 and coffee.cadence == "biweekly"
    entry = AuditLog.objects.get(action="program.update")
    assert entry.details["changes"]["group_size"] == [2, 3]
    assert "name" not in entry.details["changes"]


def test_saving_without_changes_logs_nothing(admin_client, cast, coffee):
    from crosspaths.console.forms import ProgramForm

    initial = ProgramForm.initial_from(coffee)
    data = {k: v for k, v in initial.items() if v is not None}
    data["time"] = coffee.time if isinstance(coffee.time, str) else coffee.time.strftime("%H:%M")
    data["active"] = "on"
    data.update({f"pref_{k}": "somewhat" for k in Weights.__dataclass_fields__})
    admin_client.post(f"/console/programs/{coffee.pk}/edit/", data)
    assert AuditLog.objects.filter(action="program.update").count() == 1  # weights now stored
    admin_client.post(f"/console/programs/{coffee.pk}/edit/", data)
    assert AuditLog.objects.filter(action="program.update").count() == 1


def test_a_custom_weight_survives_when_its_answer_is_left_alone(admin_client, cast, coffee):
    coffee.weights = {"shared_interest": 1.7}  # set through the API, say
    coffee.save()
    admin_client.post(
        f"/console/programs/{coffee.pk}/edit/",
        form_data(cast, name="Coffee", format="virtual_coffee", pref_shared_interest="strongly"),
    )
    coffee.refresh_from_db()
    assert coffee.weights["shared_interest"] == 1.7


def test_a_program_manager_edits_their_program_but_not_its_managers(manager_client, cast, coffee):
    response = manager_client.post(
        f"/console/programs/{coffee.pk}/edit/",
        form_data(cast, name="Coffee 2", format="virtual_coffee", managers=[]),
    )
    assert response.status_code == 302
    coffee.refresh_from_db()
    assert coffee.name == "Coffee 2" and list(coffee.managers.all()) == [cast.chidi]


def test_a_program_manager_cannot_create_programs_or_touch_other_programs(manager_client, cast):
    other = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    assert manager_client.get("/console/programs/new/").status_code == 403
    assert manager_client.get(f"/console/programs/{other.pk}/").status_code == 403
    assert manager_client.get(f"/console/programs/{other.pk}/edit/").status_code == 403
    body = manager_client.get("/console/programs/").content.decode()
    assert "Coffee roulette" in body and "Lunch" not in body


def test_participants_have_no_console(participant_client, cast, coffee):
    assert participant_client.get("/console/").status_code == 403
    assert participant_client.get("/console/programs/").status_code == 403
    assert participant_client.get(f"/console/programs/{coffee.pk}/").status_code == 403


def test_the_program_page_shows_settings_rules_and_audience_in_words(admin_client, cast, coffee):
    coffee.audience = {"departments": [cast.engineering.pk], "level_min": 2, "level_max": 5}
    coffee.weights = {"different_department": 0}
    coffee.save()
    body = admin_client.get(f"/console/programs/{coffee.pk}/").content.decode()
    assert "Departments: Engineering" in body and "Levels 2 to 5" in body
    assert "Prefer people from different departments: <strong>don&#x27;t care</strong>" in body


def test_the_form_speaks_german_to_a_german_admin(admin_client, cast):
    cast.alice.language = "de"
    cast.alice.save()
    body = admin_client.get("/console/programs/new/").content.decode()
    assert 'lang="de"' in body
    assert "Personen aus verschiedenen Abteilungen bevorzugen" in body and "stark" in body
    response = admin_client.post("/console/programs/new/", form_data(cast, group_size="1"))
    assert "Eine Gruppe braucht mindestens zwei Personen." in response.content.decode()


def test_a_program_holds_out_a_share_of_pairs_for_measurement(admin_client, cast):
    body = admin_client.get("/console/programs/new/").content.decode()
    assert "hold out for measurement (%)" in body.lower()
    assert "Pairs, not people: everyone still meets someone." in body
    admin_client.post("/console/programs/new/", form_data(cast, holdout_percent="10"))
    assert Program.objects.get(name="Onboarding buddies").holdout_percent == 10


def test_holding_out_more_than_half_is_refused_and_empty_is_none(admin_client, cast):
    response = admin_client.post("/console/programs/new/", form_data(cast, holdout_percent="60"))
    assert response.status_code == 400
    assert "Hold out at most 50 % of the pairs." in response.content.decode()
    admin_client.post("/console/programs/new/", form_data(cast, holdout_percent=""))
    assert Program.objects.get(name="Onboarding buddies").holdout_percent == 0


def test_the_hold_out_speaks_german_to_a_german_admin(admin_client, cast):
    cast.alice.language = "de"
    cast.alice.save()
    body = admin_client.get("/console/programs/new/").content.decode()
    assert "für die messung zurückhalten (%)" in body.lower()
    assert "Paare, nicht Personen" in body
    response = admin_client.post("/console/programs/new/", form_data(cast, holdout_percent="60"))
    assert "Halten Sie höchstens 50 % der Paare zurück." in response.content.decode()
