from datetime import date

from crosspaths.programs.models import Match, MatchMember, Program, Round

from ..cast import PASSWORD


def test_signed_out_visitors_see_the_welcome_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


def test_a_participant_sees_their_published_match(client, cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 2), status="published"
    )
    match = Match.objects.create(organization=cast.org, round=rnd)
    for p in (cast.bob, cast.chidi):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=p)
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/").content.decode()
    assert "Chidi Okafor" in body and "Engineering" in body


def test_a_draft_round_is_not_shown_to_participants(client, cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 2))
    match = Match.objects.create(organization=cast.org, round=rnd)
    for p in (cast.bob, cast.chidi):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=p)
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/").content.decode()
    assert "Chidi" not in body and "No match yet" in body


def test_the_home_page_speaks_german_to_a_german_person(client, cast):
    cast.bob.language = "de"
    cast.bob.save()
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/").content.decode()
    assert 'lang="de"' in body and "Noch kein Match" in body
