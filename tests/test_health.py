"""/healthz answers 200 with the database reachable and 503 without it."""
from app import create_app


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"]["ok"] is True


def test_healthz_503_when_database_is_unreachable(tmp_path):
    missing = tmp_path / "no-such-dir" / "db.sqlite"  # SQLite cannot create a file here
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{missing}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"]["ok"] is False


def test_healthz_503_when_postgres_is_down():
    app = create_app({"TESTING": True,
                      "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
