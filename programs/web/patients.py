"""/clinic/patients/: the clinic's patients with adherence, last log, pain, alerts, RTM."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.views import View

from config.web.access import ClinicianPageMixin
from patients.models import AuditEvent
from programs.api.patient_views import PatientFilter
from programs.outcomes.measures import Measure
from programs.outcomes.selectors import ordered_by_change, with_change_since_start
from programs.selectors.clinic import patients_for_clinic
from programs.selectors.console import SORT_VALUES, patient_rows, rows_sorted
from programs.web.present import patient_rows_html

PER_PAGE = 50
# Sorted in SQL before paging; the others on the computed columns of every match.
SQL_SORTS = {"name", "nprs_change"}
COLUMNS = [
    # (sort key, header)
    ("name", "Patient"),
    ("adherence", "Adherence (7 days)"),
    ("last_log", "Last log"),
    ("pain", "Pain"),
    ("alerts", "Alerts"),
    ("rtm", "RTM days"),
    ("nprs_change", "NPRS change since start"),
]
DESCENDING_FIRST = {"adherence", "last_log", "pain", "alerts", "rtm"}


class PatientListView(ClinicianPageMixin, View):
    template_name = "programs/patient_list.html"

    def get(self, request):
        # The list names no clinician: the selector's prefetch of them is dropped.
        patients = patients_for_clinic(clinic_id=self.clinic_id).prefetch_related(None)
        search = PatientFilter(request.GET, queryset=patients)
        queryset = search.qs if search.is_valid() else search.queryset.none()
        sort = request.GET.get("sort", "name")
        descending = sort.startswith("-")
        by = sort.lstrip("-")
        if by not in SORT_VALUES and by not in SQL_SORTS:
            by, descending = "name", False
        if by == "nprs_change":
            queryset = ordered_by_change(queryset, sort)
        else:
            queryset = with_change_since_start(queryset, Measure.NPRS)
        if by in SQL_SORTS:
            ordered = queryset.reverse() if descending and by == "name" else queryset
            page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
            rows = patient_rows(patients=list(page))
        else:
            # Sorting by a computed column needs it for every patient that matched.
            everyone = patient_rows(patients=list(queryset))
            page = Paginator(
                rows_sorted(everyone, by=by, descending=descending), PER_PAGE
            ).get_page(request.GET.get("page"))
            rows = list(page)
        self.audit(AuditEvent.Action.READ, [row.patient.pk for row in rows])
        q = request.GET.get("q", "")
        return render(
            request,
            self.template_name,
            {
                "rows": rows,
                "row_cells": patient_rows_html(rows),
                "page": page,
                "q": q,
                "search_errors": search.errors,
                "columns": self.columns(q, by, descending),
                "query": urlencode({k: v for k, v in (("q", q), ("sort", sort)) if v}),
            },
        )

    def columns(self, q: str, by: str, descending: bool) -> list[dict]:
        columns = []
        for key, header in COLUMNS:
            active = key == by
            if active:
                next_sort = key if descending else f"-{key}"
            else:
                next_sort = f"-{key}" if key in DESCENDING_FIRST else key
            params = {"sort": next_sort, **({"q": q} if q else {})}
            columns.append(
                {
                    "header": header,
                    "href": "?" + urlencode(params),
                    "aria_sort": ("descending" if descending else "ascending") if active else None,
                    "numeric": key in {"alerts", "rtm", "nprs_change"},
                }
            )
        return columns
