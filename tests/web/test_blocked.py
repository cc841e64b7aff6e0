"""The private "please don't pair me with" list."""

from crosspaths.people.models import BlockedPair

from ..cast import PASSWORD


def test_a_person_finds_a_colleague_and_blocks_them(client, onboarded):
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/preferences/blocked/?q=chidi").content.decode()
    assert "Chidi Okafor" in body
    client.post("/preferences/blocked/add/", {"person": onboarded.chidi.pk})
    assert BlockedPair.objects.filter(person=onboarded.bob, other=onboarded.chidi).exists()
    body = client.get("/preferences/blocked/").content.decode()
    assert "Chidi Okafor" in body and "Remove" in body


def test_the_search_never_shows_the_person_or_another_organization(client, onboarded):
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get("/preferences/blocked/?q=a").content.decode()
    assert "Type at least two letters." in body
    body = client.get("/preferences/blocked/?q=Du").content.decode()
    assert "Dana" not in body
    body = client.get("/preferences/blocked/?q=Bob").content.decode()
    assert "Nobody found" in body


def test_nobody_blocks_someone_from_another_organization(client, onboarded):
    client.login(username="bob@acme.test", password=PASSWORD)
    assert (
        client.post("/preferences/blocked/add/", {"person": onboarded.dana.pk}).status_code == 404
    )
    assert client.post("/preferences/blocked/add/", {"person": "x"}).status_code == 404
    assert not BlockedPair.objects.exists()


def test_nobody_else_sees_the_list(client, onboarded):
    BlockedPair.objects.create(
        organization=onboarded.org, person=onboarded.bob, other=onboarded.chidi
    )
    for email in ("chidi@acme.test", "alice@acme.test"):
        client.login(username=email, password=PASSWORD)
        for url in ("/", "/preferences/blocked/", "/preferences/"):
            assert "Bob Brandt" not in client.get(url).content.decode()


def test_a_person_removes_someone_from_the_list(client, onboarded):
    BlockedPair.objects.create(
        organization=onboarded.org, person=onboarded.bob, other=onboarded.chidi
    )
    client.login(username="chidi@acme.test", password=PASSWORD)
    client.post(f"/preferences/blocked/{onboarded.chidi.pk}/remove/")
    assert BlockedPair.objects.count() == 1  # Chidi cannot remove Bob's entry
    client.login(username="bob@acme.test", password=PASSWORD)
    client.post(f"/preferences/blocked/{onboarded.chidi.pk}/remove/")
    assert not BlockedPair.objects.exists()


def test_the_blocked_page_makes_a_bounded_number_of_queries(
    client, onboarded, django_assert_max_num_queries
):
    BlockedPair.objects.create(
        organization=onboarded.org, person=onboarded.bob, other=onboarded.chidi
    )
    BlockedPair.objects.create(
        organization=onboarded.org, person=onboarded.bob, other=onboarded.alice
    )
    client.login(username="bob@acme.test", password=PASSWORD)
    with django_assert_max_num_queries(6):
        assert client.get("/preferences/blocked/?q=ali").status_code == 200
