def test_health_reports_ok_without_naming_the_database(client, db):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    body = response.content.decode().lower()
    assert "sqlite" not in body and "postgres" not in body


def test_the_openapi_schema_is_served(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Crosspaths API"
    assert "/api/health" in schema["paths"]


def test_swagger_ui_is_served_from_our_own_static_files(client, db):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower() and "https://" not in page
