"""The API's orjson renderer writes DRF's bytes; the negotiation shortcut picks what
DRF would."""

import dataclasses
import datetime as dt
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from config.api.negotiation import ContentNegotiation
from config.api.renderers import JSONRenderer, json_bytes


@dataclasses.dataclass
class Point:
    x: int


SAMPLES = [
    {"date": "2026-12-02", "complete": False, "programs": [{"id": 1, "items": []}]},
    {
        "when": dt.datetime(2026, 12, 2, 8, 30, 15, 123456, tzinfo=dt.UTC),
        "day": dt.date(2026, 1, 2),
    },
    {"naive": dt.datetime(2026, 12, 2, 8, 30), "time": dt.time(7, 5, 0, 250000)},
    {"dose": decimal.Decimal("2.50"), "id": uuid.UUID(int=7), "span": dt.timedelta(hours=2)},
    {"lazy": gettext_lazy("This field is required."), "set": {3}, "tuple": (1, "a")},
    {"separators": "a\u2028b\u2029c", "unicode": "Übung \u2013 背中", "quote": '"\\'},
    {1: "int key", "nested": {"deep": [[[{"x": None}]]]}},
    {"huge": 2**70, "float": 0.1, "negative": -(2**63)},
]


@pytest.mark.parametrize("data", SAMPLES)
def test_orjson_output_is_drfs_byte_for_byte(data):
    assert json_bytes(data) == DRFJSONRenderer().render(data)
    assert JSONRenderer().render(data, "application/json") == DRFJSONRenderer().render(data)


def test_indented_and_empty_answers_are_drfs():
    data = {"a": [1, 2], "b": {"c": "d"}}
    wanted = DRFJSONRenderer().render(data, "application/json; indent=4")
    assert JSONRenderer().render(data, "application/json; indent=4") == wanted
    assert JSONRenderer().render(None) == b""


def test_what_drf_refuses_stays_refused_but_a_nan_is_null():
    with pytest.raises(TypeError):
        json_bytes({"point": Point(1)})
    # DRF (strict JSON) raises on NaN, a 500; orjson writes null, valid JSON.
    assert json_bytes({"nan": float("nan")}) == b'{"nan":null}'


ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "text/html",
    "application/json; indent=4",
    "text/html;q=0.9, application/json",
    "application/*",
    "image/png",
]


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api"])
@pytest.mark.parametrize(
    "renderers", [[JSONRenderer()], [JSONRenderer(), BrowsableAPIRenderer()]], ids=["json", "both"]
)
def test_negotiation_picks_what_drf_picks(accept, query, renderers):
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    request = Request(APIRequestFactory().get("/api/v1/me/today" + query, **headers))

    def pick(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except Exception as exc:  # the same refusal is what is compared
            return type(exc)
        return type(renderer), media_type

    assert pick(ContentNegotiation()) == pick(DefaultContentNegotiation())
