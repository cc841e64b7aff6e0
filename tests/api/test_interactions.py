"""POST /api/v1/interactions: the import of ``manage.py import_interactions`` through
the API — CSV or JSON rows, all-or-nothing with every problem named by row and column,
write scope, idempotency keys, refused while collection is off, and another
organization's key cannot write counts about our people."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from crosspaths.api.keys import api_key_create
from crosspaths.collaboration import imports
from crosspaths.collaboration.models import CollaborationOptOut, Interaction
from crosspaths.collaboration.services import collaboration_configure

pytestmark = pytest.mark.django_db

CSV = (
    "period_start,person_a,person_b,channel,count\n"
    "2026-11-16,A1,B2,chat,12\n"
    "2026-11-16,C3,A1,mail,3\n"
    "2026-11-16,B2,A1,chat,2\n"
)
ROWS = [
    {
        "period_start": "2026-11-16",
        "person_a": "A1",
        "person_b": "B2",
        "channel": "chat",
        "count": 12,
    },
    {
        "period_start": "2026-11-16",
        "person_a": "C3",
        "person_b": "A1",
        "channel": "mail",
        "count": 3,
    },
]


@pytest.fixture
def enabled(cast):
    collaboration_configure(organization=cast.org, enabled=True)
    return cast


def post_csv(api, text: str, headers: dict | None = None, query: str = ""):
    return api.client.post(
        "/api/v1/interactions" + query,
        data=text.encode(),
        content_type="text/csv",
        headers={**api.headers, **(headers or {})},
    )


def stored(org):
    return sorted(
        Interaction.objects.filter(organization=org).values_list(
            "person_a__external_id", "person_b__external_id", "channel", "count"
        )
    )


def test_a_csv_body_is_imported_by_the_commands_service(api, enabled):
    answer = post_csv(api, CSV)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "rows": 3,
        "stored": 3,
        "opted_out": 0,
        "unknown": 0,
        "replaced": 0,
        "weeks": ["2026-11-16"],
    }
    assert len(stored(enabled.org)) == 3


def test_json_rows_are_imported_the_same_way(api, enabled):
    answer = api.post("/interactions", {"rows": ROWS})
    assert answer.status_code == 200, answer.content
    assert answer.json()["stored"] == 2
    pairs = {(min(a, b), max(a, b), ch, n) for a, b, ch, n in stored(enabled.org)}
    assert pairs == {("A1", "B2", "chat", 12), ("A1", "C3", "mail", 3)}


def test_sending_the_same_weeks_again_replaces_them(api, enabled):
    assert api.post("/interactions", {"rows": ROWS}).status_code == 200
    again = api.post("/interactions", {"rows": ROWS})
    assert again.json()["replaced"] == 2
    assert Interaction.objects.filter(organization=enabled.org).count() == 2


def test_one_bad_json_row_keeps_nothing_and_names_row_and_column(api, enabled):
    rows = [
        *ROWS,
        {
            "period_start": "2026-11-17",
            "person_a": "A1",
            "person_b": "ZZ9",
            "channel": "fax",
            "count": -1,
        },
    ]
    answer = api.post("/interactions", {"rows": rows})
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    fields = [e["field"] for e in problem["errors"]]
    assert fields == ["rows.2.period_start", "rows.2.person_b", "rows.2.channel", "rows.2.count"]
    assert "not a Monday" in problem["errors"][0]["detail"]
    assert "no person with roster id 'ZZ9'" in problem["errors"][1]["detail"]
    assert "nothing was imported" in problem["detail"]
    assert not Interaction.objects.exists()


def test_a_bad_csv_row_is_named_by_its_line(api, enabled):
    answer = post_csv(api, CSV + "2026-11-16,A1,A1,chat,x\n")
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert [e["field"] for e in errors] == ["row 5.person_b", "row 5.count"]
    assert errors[1]["detail"].startswith("row 5, column 'count': 'x' is not a whole number")
    assert not Interaction.objects.exists()


def test_a_csv_without_the_columns_names_them(api, enabled):
    answer = post_csv(api, "week,a,b\n2026-11-16,A1,B2\n")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [f"row 1.{c}" for c in imports.COLUMNS]


def test_json_values_must_be_text_or_whole_numbers(api, enabled):
    rows = [{**ROWS[0], "count": True}]
    answer = api.post("/interactions", {"rows": rows})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "rows.0.count", "detail": "Give text or a whole number."}
    ]
    fractional = api.post("/interactions", {"rows": [{**ROWS[0], "count": 1.5}]})
    assert fractional.json()["errors"][0]["field"] == "rows.0.count"
    broken = api.post("/interactions", {"rows": [{**ROWS[0], "person_a": "A1\n2026-11-16"}]})
    assert broken.json()["errors"][0]["field"] == "rows.0.person_a"
    assert not Interaction.objects.exists()


def test_a_body_of_another_kind_is_refused(api, enabled):
    answer = api.client.post(
        "/api/v1/interactions", data=b"<xml/>", content_type="application/xml", headers=api.headers
    )
    assert answer.status_code == 415
    assert "text/csv" in answer.json()["detail"]
    not_json = api.client.post(
        "/api/v1/interactions", data=b"{", content_type="application/json", headers=api.headers
    )
    assert not_json.status_code == 400
    no_rows = api.post("/interactions", {"row": ROWS})
    assert no_rows.status_code == 422 and no_rows.json()["errors"][0]["field"] == "rows"


def test_it_is_refused_while_the_organization_has_not_turned_it_on(api, cast):
    answer = post_csv(api, CSV)
    assert answer.status_code == 409
    assert "Collecting interaction counts is off for Acme" in answer.json()["detail"]
    assert not Interaction.objects.exists()


def test_unknown_roster_ids_can_be_skipped(api, enabled):
    text = CSV + "2026-11-16,A1,GUEST,chat,4\n"
    assert post_csv(api, text).status_code == 422
    answer = post_csv(api, text, query="?skip_unknown=true")
    assert answer.status_code == 200
    assert answer.json()["unknown"] == 1 and answer.json()["stored"] == 3


def test_rows_of_people_who_opted_out_are_not_stored(api, enabled):
    CollaborationOptOut.objects.create(organization=enabled.org, person=enabled.chidi)
    answer = api.post("/interactions", {"rows": ROWS})
    assert answer.json()["opted_out"] == 1
    assert stored(enabled.org) == [("A1", "B2", "chat", 12)]


def test_a_read_key_or_a_key_for_other_resources_may_not_import(reader, enabled):
    assert reader.post("/interactions", {"rows": ROWS}).status_code == 403
    _key, raw = api_key_create(
        organization=enabled.org, name="HRIS", scope="write", resources=["people"]
    )
    client = Client()
    answer = client.post(
        "/api/v1/interactions",
        data=json.dumps({"rows": ROWS}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 403
    assert not Interaction.objects.exists()


def test_a_key_limited_to_interactions_may_import(enabled):
    _key, raw = api_key_create(
        organization=enabled.org, name="Graph export", scope="write", resources=["interactions"]
    )
    answer = Client().post(
        "/api/v1/interactions",
        data=CSV.encode(),
        content_type="text/csv",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 200


def test_an_idempotency_key_answers_a_retry_with_the_first_answer(api, enabled):
    headers = {"Idempotency-Key": "graph-2026-11-16"}
    first = post_csv(api, CSV, headers)
    Interaction.objects.filter(organization=enabled.org).update(count=99)
    retry = post_csv(api, CSV, headers)
    assert retry.status_code == 200 and retry.json() == first.json()
    assert set(Interaction.objects.values_list("count", flat=True)) == {99}  # not run again
    other = post_csv(api, CSV + "2026-11-16,B2,C3,chat,1\n", headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_a_refused_import_stores_no_idempotent_answer(api, enabled):
    headers = {"Idempotency-Key": "fix-and-retry"}
    assert post_csv(api, CSV + "2026-11-16,A1,B2,chat,x\n", headers).status_code == 422
    # The same key with the same body is refused again (not replayed from a store) ...
    assert post_csv(api, CSV + "2026-11-16,A1,B2,chat,x\n", headers).status_code == 422
    assert not Interaction.objects.exists()


def test_another_organizations_key_cannot_write_counts_about_our_people(other_api, enabled):
    collaboration_configure(organization=enabled.other_org, enabled=True)
    answer = other_api.post("/interactions", {"rows": ROWS})
    assert answer.status_code == 422
    details = " ".join(e["detail"] for e in answer.json()["errors"])
    assert "no person with roster id 'A1'" in details
    assert not Interaction.objects.exists()
    skipped = other_api.call("POST", "/interactions?skip_unknown=true", {"rows": ROWS})
    assert skipped.status_code == 200 and skipped.json()["stored"] == 0
    assert not Interaction.objects.exists()


def test_a_body_over_the_servers_limit_is_refused_saying_what_to_do(api, enabled, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    answer = post_csv(api, CSV + "2026-11-09,A1,B2,chat,1\n" * 10)
    assert answer.status_code == 413
    assert "import_interactions" in answer.json()["detail"]
    assert not Interaction.objects.exists()
