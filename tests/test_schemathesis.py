"""schemathesis over the whole schema, as a patient and as a clinician.

Every check runs (`--checks all`): no 5xx, every answer's status, content type,
headers and body as documented, schema-valid input accepted and schema-invalid
input refused (see tests/schemathesis.toml for the operations whose rules depend on
the clock or stored state). Bounded: a few examples per operation, fixed seed.
Logout is left out: it would end the run's token.
"""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from knox.models import get_token_model

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tests" / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = "2"


def _summary(output: str) -> str:
    """schemathesis' count of test cases and its closing line."""
    lines = output.splitlines()
    cases = [lines[i + 1].strip() for i, line in enumerate(lines[:-1]) if line == "Test cases:"]
    closing = [line.strip("= ") for line in lines if line.startswith("=")]
    return "; ".join(cases[-1:] + closing[-1:]) or output[-500:]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["patient", "clinician"])
def test_schemathesis_finds_no_failure(live_server, role, settings, tmp_path, client):
    settings.DEBUG = False
    # The schema the server serves, fetched in process: generating it takes many
    # seconds on a loaded machine, longer than schemathesis waits for a download.
    schema = tmp_path / "schema.json"
    schema.write_bytes(client.get("/api/schema/", {"format": "json"}).content)
    clinician = factories.ClinicianFactory()
    patient = factories.PatientFactory(clinic=clinician.clinic, primary_clinician=clinician)
    program = factories.ProgramFactory(
        patient=patient, start_date=dt.date.today() - dt.timedelta(days=7)
    )
    factories.ProgramItemFactory(program=program, version=1)
    user = patient.user if role == "patient" else clinician.user
    _, token = get_token_model().objects.create(user=user)
    command = [
        str(SCHEMATHESIS),
        "--no-color",
        "--config-file",
        str(CONFIG),
        "run",
        str(schema),
        "--url",
        live_server.url,
        "--checks",
        "all",
        "--mode",
        "all",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        EXAMPLES,
        "--seed",
        "9",
        "--workers",
        "1",
        # Signing out (this device, every device, or one session by id) would end the
        # run's own token halfway through.
        "--exclude-path-regex",
        r"^/api/v1/(auth/logout(-all)?|me/sessions/\{id\})$",
        "--header",
        f"Authorization: Token {token}",
        "--suppress-health-check",
        "too_slow",
    ]
    # Its cache of past failures lives in the working directory: a fresh one per run.
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    print(_summary(result.stdout))
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
