def test_health_reports_ok_and_the_database(client, db):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in {"sqlite", "postgresql"}


def test_the_openapi_schema_is_served(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Crosspaths API"
    assert "/api/health" in schema["paths"]
