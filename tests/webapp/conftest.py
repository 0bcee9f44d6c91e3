"""Helpers for the companion app's browser tests: a patient with a routine, signed in."""

import pytest
from knox.models import get_token_model

from tests import factories


@pytest.fixture
def routine(db):
    """A patient with one program of two exercises (one with the clinician's note)."""
    clinic = factories.ClinicFactory(name="Riverside Physio")
    clinician = factories.ClinicianFactory(clinic=clinic)
    patient = factories.PatientFactory(
        clinic=clinic, primary_clinician=clinician, timezone="Europe/London"
    )
    program = factories.ProgramFactory(patient=patient, name="Back basics")
    dead_bug = factories.ProgramItemFactory(
        program=program,
        exercise=factories.ExerciseFactory(name="Dead bug", slug="dead-bug"),
        sets=3,
        reps=8,
        notes="Keep your lower back flat on the floor.",
        order=1,
    )
    bridge = factories.ProgramItemFactory(
        program=program,
        exercise=factories.ExerciseFactory(name="Glute bridge", slug="glute-bridge"),
        sets=2,
        reps=12,
        hold_seconds=3,
        order=2,
    )
    return {"patient": patient, "program": program, "items": [dead_bug, bridge]}


def sign_in(page, base_url: str, user) -> str:
    """Store a real device token in the app's IndexedDB, as a sign-in would."""
    _, token = get_token_model().objects.create(user=user)
    page.goto(f"{base_url}/app/login")
    page.wait_for_selector("form[data-form=login]")
    page.evaluate(
        """async (token) => {
            const api = await import('/static/webapp/js/api.js');
            const db = await import('/static/webapp/js/db.js');
            await api.setToken(token);
            const me = await api.api('me');
            await db.kv.set('me', me.data);
        }""",
        token,
    )
    return token


def wait_ready(page, screen: str = "today") -> None:
    page.wait_for_selector(f"body[data-ready={screen}]")


def wait_for_worker(page) -> None:
    """Until the service worker controls this page (a reload makes it so after install)."""
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
        page.reload()
    page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)")
