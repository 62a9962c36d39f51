"""The foundation: settings fail fast, migrations run, compose file is valid, health is honest."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from directory.core.config import Settings
from tests.conftest import REPO_ROOT, SHARED, postgres_url_or_skip, reset_postgres

EXPECTED_TABLES = {
    "organization",
    "service",
    "location",
    "service_at_location",
    "schedule",
    "closure",
    "phone",
    "contact",
    "language",
    "cost_option",
    "taxonomy_term",
    "service_taxonomy",
    "translation",
    "postcode",
}


def test_placeholder_secrets_are_refused_in_production() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(environment="production", rasa_token="a" * 32)


def test_development_runs_with_defaults() -> None:
    assert Settings(environment="development").is_sqlite


def test_migrations_create_every_table_on_sqlite(engine) -> None:  # type: ignore[no-untyped-def]
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES


@pytest.mark.postgres
def test_migrations_create_every_table_on_postgres() -> None:
    from directory.__main__ import migrate
    from directory.core.db import make_engine

    url = postgres_url_or_skip()
    reset_postgres(url)
    migrate(url)
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    finally:
        engine.dispose()


def test_compose_file_is_valid_against_the_compose_spec() -> None:
    schema = json.loads((SHARED / "compose-spec" / "compose-spec.json").read_text())
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    jsonschema.validate(compose, schema)
    expected = {"rasa", "actions", "web", "telegram", "worker", "postgres", "redis"}
    assert expected <= set(compose["services"])
    for name in ("rasa", "actions", "web", "postgres", "redis"):
        assert "healthcheck" in compose["services"][name], name


def test_healthz_names_what_is_down(app_settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from channels.web import create_app

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:9")
    from directory.core import config

    config.get_settings.cache_clear()
    with TestClient(create_app()) as client:
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["components"]["database"] == "up"
    assert body["components"]["web"] == "up"
    assert body["components"]["rasa"] in {"down", "absent"}
    assert "rasa" in body["not_up"]


def test_healthz_says_rasa_is_starting_until_its_model_is_loaded(app_settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Rasa's HTTP server answers before its model is loaded; parents must not be let in then."""
    import http.server
    import threading

    loaded = threading.Event()
    asked: list[str] = []

    class FakeRasa(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            status = 200 if loaded.is_set() or not self.path.startswith("/status") else 409
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from channels.web import create_app
    from directory.core import config

    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{server.server_address[1]}")
    config.get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            starting = client.get("/healthz").json()
            loaded.set()
            ready = client.get("/healthz").json()
    finally:
        server.shutdown()
    assert starting["components"]["rasa"] == "starting"
    assert "rasa" in starting["not_up"]
    assert ready["components"]["rasa"] == "up"
    assert all("token=" in path for path in asked if path.startswith("/status"))
