import pytest

from config import health


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_does_not_answer(client, settings, monkeypatch):
    # A broker URL nobody listens on: a real connection attempt that fails.
    monkeypatch.setattr(health.celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_does_not_answer(client, monkeypatch):
    def broken_cursor():
        raise health.connection.__class__.Database.OperationalError("database is down")

    monkeypatch.setattr(health, "check_database", lambda: broken_cursor())
    monkeypatch.setitem(health.CHECKS, "database", lambda: broken_cursor())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
