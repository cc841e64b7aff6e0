"""The Django admin (for operators): every registered model's list and add pages load."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User


@pytest.mark.parametrize("model", [m for m in admin.site._registry], ids=lambda m: m._meta.label)
def test_every_admin_list_and_add_page_loads(client, cast, model):
    User.objects.create_superuser("op", "op@example.com", "pw")
    client.login(username="op", password="pw")
    opts = model._meta
    for view in ("changelist", "add"):
        response = client.get(
            f"/admin/{opts.app_label}/{opts.model_name}/" + ("add/" if view == "add" else "")
        )
        assert response.status_code in (200, 403), (opts.label, view, response.status_code)
    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 200


def test_nobody_reads_a_persons_private_block_list_in_the_admin():
    from crosspaths.people.models import BlockedPair

    assert BlockedPair not in admin.site._registry


def test_an_operator_cannot_demote_the_last_admin_in_the_django_admin(client, cast):
    from django.forms.models import model_to_dict

    from crosspaths.people.models import Person

    User.objects.create_superuser("op", "op@example.com", "pw")
    client.login(username="op", password="pw")
    data = {k: v for k, v in model_to_dict(cast.alice).items() if v is not None}
    data.update(role="participant", languages='["en", "de"]', interests='["cycling"]')
    data["availability"] = "[]"
    data["start_date"] = "2019-03-01"
    data["active"] = "on"
    data["roster_synced"] = ""
    response = client.post(f"/admin/people/person/{cast.alice.pk}/change/", data)
    assert response.status_code == 200
    assert "Alice Adler cannot lose the admin role" in response.content.decode()
    cast.alice.refresh_from_db()
    assert cast.alice.role == Person.Role.ADMIN
