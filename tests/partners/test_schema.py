import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_the_schema_is_openapi_3_with_the_api_key_scheme(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "The word `Api-Key`, a space, then the key: `Authorization: Api-Key <key>`.",
    }
    for path in ("/api/v1/agencies/", "/api/v1/criminal-groups/"):
        operation = schema["paths"][path]["get"]
        assert {"ApiKey": []} in operation["security"]
        assert set(schema["paths"][path]) == {"get"}  # read-only


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_local_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)[\w.-]+/", html), "a CDN or other remote URL"
    # ...and those files ship with the project (drf-spectacular-sidecar), not fetched.
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
