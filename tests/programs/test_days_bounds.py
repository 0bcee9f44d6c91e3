import pytest

DAYS = "/api/v1/me/days"


@pytest.mark.parametrize(
    "query, field",
    [
        ({"to": "0001-01-01"}, "to"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "0001-01-01", "to": "0001-01-31"}, "from"),
        ({"from": "9999-12-01"}, "from"),
    ],
)
def test_far_off_days_queries_are_400_not_500(patient_client, query, field):
    response = patient_client.get(DAYS, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_days_a_year_back_still_answer(patient_client):
    import datetime as dt

    to = dt.date.today() - dt.timedelta(days=300)
    response = patient_client.get(DAYS, {"to": to.isoformat()})
    assert response.status_code == 200
    assert len(response.json()) == 30
