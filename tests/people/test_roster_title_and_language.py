"""The roster's ``title`` and ``language`` columns: read from CSV and Excel files (the
console's upload guesses HR's column names), refused whole with row and column when a
value does not fit, exported again, and the language is what e-mails are written in."""

from __future__ import annotations

import pytest

from crosspaths.matching.roster import RosterError
from crosspaths.people.models import Person
from crosspaths.people.services import roster_apply, roster_plan

HEADER = "id,name,email,title,language\n"


def apply(cast, text):
    roster_apply(plan=roster_plan(organization=cast.org, text=text), actor=cast.alice)


def test_the_roster_sets_job_titles_and_the_language_of_e_mails(cast):
    apply(
        cast, HEADER + "E1,Erin Ek,erin@acme.test,Sales lead,de\nE2,Farid Faro,farid@acme.test,,\n"
    )
    erin = Person.objects.get(email="erin@acme.test")
    farid = Person.objects.get(email="farid@acme.test")
    assert (erin.title, erin.language, erin.effective_language) == ("Sales lead", "de", "de")
    assert (farid.title, farid.language, farid.effective_language) == ("", "", "en")


def test_a_language_code_is_read_in_any_case(cast):
    apply(cast, HEADER + "E1,Erin Ek,erin@acme.test,,DE\n")
    assert Person.objects.get(email="erin@acme.test").language == "de"


def test_bad_titles_and_languages_refuse_the_whole_file_with_row_and_column(cast):
    text = HEADER + (
        "E1,Erin Ek,erin@acme.test,Sales lead,fr\n"
        "E2,Farid Faro,farid@acme.test,,de\n"
        f"E3,Gil Gomes,gil@acme.test,{'x' * 201},en\n"
    )
    with pytest.raises(RosterError) as caught:
        roster_plan(organization=cast.org, text=text)
    found = {(p.row, p.column): p.message for p in caught.value.problems}
    assert set(found) == {(2, "language"), (4, "title")}
    assert (
        "'fr' is not one of the languages Crosspaths speaks ('en', 'de')" in found[(2, "language")]
    )
    assert "200 characters" in found[(4, "title")]
    assert not Person.objects.filter(email__in=["erin@acme.test", "farid@acme.test"]).exists()


def test_something_that_is_no_language_code_is_a_problem_of_the_file(cast):
    with pytest.raises(RosterError) as caught:
        roster_plan(
            organization=cast.org, text=HEADER + "E2,Farid Faro,farid@acme.test,,Deutsch!\n"
        )
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "language")
    assert "'Deutsch!' is not a language code" in problem.message


def test_a_persons_own_language_choice_wins_over_the_roster(cast):
    cast.bob.language = "en"
    cast.bob.save()
    apply(cast, HEADER + f"B2,Bob Brandt,{cast.bob.email},Recruiter,de\n")
    cast.bob.refresh_from_db()
    assert (cast.bob.title, cast.bob.language) == ("Recruiter", "en")
    cast.chidi.language = ""
    cast.chidi.save()
    apply(cast, HEADER + f"C3,Chidi Okafor,{cast.chidi.email},,de\n")
    cast.chidi.refresh_from_db()
    assert cast.chidi.language == "de"  # no choice of their own yet: the roster's
