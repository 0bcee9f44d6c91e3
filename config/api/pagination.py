"""Page-number pagination with validated parameters.

`page` and `page_size` are positive integers written as digits; anything else is a
400 field error rather than DRF's default (a 404 "Invalid page." for a bad `page`,
a silently ignored bad `page_size`). A page past the last one is a 404.
"""

import re

from rest_framework import exceptions, pagination

DIGITS = re.compile(r"[1-9][0-9]{0,8}", re.ASCII)
MAX_PAGE = 999_999_999


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def _positive(self, request, name: str, maximum: int) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not DIGITS.fullmatch(raw) or int(raw) > maximum:
            raise exceptions.ValidationError(
                {name: [f"Must be a whole number from 1 to {maximum}."]}
            )
        return int(raw)

    def get_page_size(self, request) -> int:
        size = self._positive(request, self.page_size_query_param, self.max_page_size)
        return size if size is not None else self.page_size

    def get_page_number(self, request, paginator) -> int:
        number = self._positive(request, self.page_query_param, MAX_PAGE)
        return number if number is not None else 1

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        # An empty list has one (empty) page; any other page past the last is a 404.
        if number > 1 and number > paginator.num_pages:
            raise exceptions.NotFound(f"No page {number}: the last page is {paginator.num_pages}.")
        self.page = paginator.page(number)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        self.request = request
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1. A page past the last answers 404.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {self.max_page_size} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
