"""The main navigation: the person's own pages, and the console and insights for staff
roles; plus the friendly error pages."""

from crosspaths.people.models import Person

from ..cast import PASSWORD


def nav(client) -> str:
    body = client.get("/").content.decode()
    return body[body.index('class="main-nav"') : body.index("</nav>")]


def test_participants_see_their_own_pages_with_the_current_one_marked(client, onboarded):
    client.login(username="bob@acme.test", password=PASSWORD)
    html = nav(client)
    assert '<a href="/" aria-current="page">Home</a>' in html
    assert 'href="/programs/"' in html and 'href="/preferences/"' in html
    assert "Console" not in html and "Insights" not in html


def test_admins_and_program_managers_see_console_and_insights(client, onboarded):
    client.login(username="alice@acme.test", password=PASSWORD)
    html = nav(client)
    assert 'href="/console/">Console</a>' in html and 'href="/insights/">Insights</a>' in html
    Person.objects.filter(pk=onboarded.chidi.pk).update(role=Person.Role.PROGRAM_MANAGER)
    client.login(username="chidi@acme.test", password=PASSWORD)
    assert 'href="/console/"' in nav(client)
    client.login(username="bob@acme.test", password=PASSWORD)
    assert "/console/" not in nav(client)


def test_a_missing_page_is_friendly_and_leads_home(client, onboarded):
    client.login(username="bob@acme.test", password=PASSWORD)
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in body and 'href="/"' in body


def test_signed_in_users_without_an_organization_are_told_what_to_do(client, cast):
    from django.contrib.auth.models import User

    User.objects.create_user(username="x@y.test", password=PASSWORD)
    client.login(username="x@y.test", password=PASSWORD)
    assert "Ask your people team for an invitation" in client.get("/").content.decode()
    response = client.get("/programs/")
    assert response.status_code == 403 and "not for your account" in response.content.decode()


def test_a_form_sent_without_its_security_token_gets_a_friendly_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/login/", {"email": "bob@acme.test"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Please try again" in body and 'href="/"' in body
