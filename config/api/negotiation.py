"""Content negotiation with a shortcut for what the apps send on every call.

DRF's negotiation parses the Accept header into media types and ranks them on each
request, a visible share of a cached GET /me/today. A request without a format
override that accepts anything (`*/*`, or no Accept header) or exactly
`application/json`, to a view whose first renderer is JSON, gets what DRF would
pick for it (that renderer, `application/json`) without the parsing; every other
request is negotiated by DRF.
"""

from rest_framework.negotiation import DefaultContentNegotiation

_PLAIN = frozenset(("*/*", "application/json"))
JSON = "application/json"


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            format_suffix is None
            and renderers
            and renderers[0].media_type == JSON
            and request.META.get("HTTP_ACCEPT", "*/*") in _PLAIN
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], JSON
        return super().select_renderer(request, renderers, format_suffix)
