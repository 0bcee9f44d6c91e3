"""Suggested program changes on the console worklist: evidence, accept, dismiss."""

import pytest
import time_machine

from programs.models import Program
from programs.services.suggestions import suggestions_daily_pass
from programs.suggestion_models import Suggestion
from tests import factories
from tests.programs.test_suggestions import NOW, line_for, log_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(clinician):
    bridge = factories.ExerciseFactory(name="Glute bridge")
    marching = factories.ExerciseFactory(name="Marching bridge", default_sets=2, default_reps=8)
    bridge.progression = marching
    bridge.save()
    patient = factories.PatientFactory(
        clinic=clinician.clinic, user__first_name="Ada", user__last_name="Runner"
    )
    item = line_for(bridge, patient=patient)
    log_days(item, 4)
    suggestions_daily_pass(now=NOW)
    return Suggestion.objects.get()


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_worklist_lists_open_suggestions_with_their_evidence(console, suggestion):
    page = console.get("/clinic/").content.decode()
    assert "Suggested program changes (1)" in page
    assert "Ready to progress" in page and "Ada Runner" in page
    assert "Marching bridge, 2 sets, 8 reps (was Glute bridge, 3 sets, 10 reps)" in page
    assert "4 of 4 sessions complete, pain 1, difficulty 4" in page
    assert f"/clinic/suggestions/{suggestion.pk}/accept/" in page


def test_accept_in_place_makes_a_new_version(console, suggestion):
    response = console.post(f"/clinic/suggestions/{suggestion.pk}/accept/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content and b"alert-card--resolved" in response.content
    assert b"Accepted" in response.content
    assert Program.objects.get(pk=suggestion.program_id).version == 2
    assert "Suggested program changes (0)" in console.get("/clinic/").content.decode()


def test_dismiss_by_plain_post_goes_back_and_a_second_try_says_why(console, suggestion):
    response = console.post(f"/clinic/suggestions/{suggestion.pk}/dismiss/", {"next": "/clinic/"})
    assert response.status_code == 302 and response["Location"] == "/clinic/"
    suggestion.refresh_from_db()
    assert suggestion.status == "dismissed"
    again = console.post(f"/clinic/suggestions/{suggestion.pk}/accept/", HTTP_HX_REQUEST="true")
    assert b"already dismissed" in again.content
    assert Program.objects.get(pk=suggestion.program_id).version == 1


def test_another_clinics_suggestion_is_a_404(console, suggestion):
    other = factories.ClinicianFactory()
    suggestion.clinic = other.clinic
    suggestion.save()
    assert console.post(f"/clinic/suggestions/{suggestion.pk}/accept/").status_code == 404
