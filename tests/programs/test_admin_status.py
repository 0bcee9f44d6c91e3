"""A program's status changed in the admin goes through the pause/resume/complete
services, so its history (pause ranges, end date) is the same as through the API."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from programs.models import Program, ProgramPause
from tests import factories

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


class FormValues(HTMLParser):
    """The values a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.values[-1]
            self.values[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_status(admin_client, program, status):
    url = reverse("admin:programs_program_change", args=[program.pk])
    page = FormValues()
    page.feed(admin_client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in page.values:
        data.setdefault(name, []).append(value.lstrip("\n"))
    data["status"] = [status]
    data.pop("_addanother", None)
    data.pop("_continue", None)
    return admin_client.post(url, data)


@pytest.fixture
def program(patient):
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 11, 1))
    factories.ProgramItemFactory(program=program)
    return program


def test_pausing_and_resuming_in_the_admin_writes_the_pause_range(
    admin_client, admin_user, program
):
    response = change_status(admin_client, program, "paused")
    assert response.status_code == 302, response.content.decode()[:2000]
    program.refresh_from_db()
    assert program.status == "paused"
    assert list(ProgramPause.objects.values_list("start", "end")) == [(WEDNESDAY, None)]

    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        admin_client.force_login(admin_user)  # a staff session lasts hours, not days
        assert change_status(admin_client, program, "active").status_code == 302
    program.refresh_from_db()
    assert program.status == "active"
    assert list(ProgramPause.objects.values_list("start", "end")) == [
        (WEDNESDAY, dt.date(2026, 11, 28))
    ]


def test_completing_in_the_admin_sets_the_end_date(admin_client, program):
    assert change_status(admin_client, program, "completed").status_code == 302
    program.refresh_from_db()
    assert (program.status, program.end_date) == ("completed", WEDNESDAY)


def test_a_completed_program_cannot_be_reopened_in_the_admin(admin_client, program):
    program.status = Program.Status.COMPLETED
    program.save()
    response = change_status(admin_client, program, "active")
    assert response.status_code == 200
    assert "A completed program cannot become active." in response.content.decode()
    program.refresh_from_db()
    assert program.status == "completed"
