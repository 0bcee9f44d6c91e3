import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/clinic/", "/clinic/patients/", "/clinic/alerts/", "/clinic/patients/new/"]
)
def test_pages_render(console, high_pain_patient, path):
    response = console.get(path)
    assert response.status_code == 200, response.content[:2000]


def test_patient_page_renders(console, high_pain_patient):
    response = console.get(f"/clinic/patients/{high_pain_patient.pk}/")
    assert response.status_code == 200
