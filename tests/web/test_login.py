from ..cast import PASSWORD


def test_a_person_signs_in_with_their_email_in_any_case(client, cast):
    response = client.post("/login/", {"username": "BOB@acme.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_wrong_password_shows_an_error_on_the_form(client, cast):
    response = client.post("/login/", {"username": "bob@acme.test", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode()
