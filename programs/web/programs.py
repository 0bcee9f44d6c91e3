"""Assign a program, edit its lines (a new version through the versioning service),
swap an exercise along the library chain, pause / resume / complete."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from config.web.access import ClinicianPageMixin
from patients.models import AuditEvent
from patients.timezones import local_today
from programs.api.filters import ExerciseFilter
from programs.chain import chain_neighbour
from programs.design_guard import program_warnings
from programs.models import Program
from programs.selectors.clinic import (
    exercises_for_clinic,
    program_with_items,
    programs_for_clinic,
    templates_for_clinic,
)
from programs.selectors.console import program_item_rows
from programs.services.programs import (
    ItemsInvalid,
    PauseStartInvalid,
    ProgramStateError,
    program_assign,
    program_complete,
    program_line_change,
    program_pause,
    program_resume,
    program_update,
)
from programs.web.present import version_history
from programs.web.program_forms import (
    AddExerciseForm,
    LineForm,
    LineFormSet,
    PauseForm,
    ProgramNewForm,
)

PICKER_LIMIT = 200
LIBRARY_FILTER_LABELS = {
    "category": gettext_lazy("Category"),
    "region": gettext_lazy("Body region"),
    "driver": gettext_lazy("Driver"),
    "equipment": gettext_lazy("Equipment"),
    "level": gettext_lazy("Level"),
    "q": gettext_lazy("Words in the name or instructions"),
}


def library_filter(request, clinic_id: int) -> ExerciseFilter:
    """The API's library filters, labelled for people."""
    found = ExerciseFilter(request.GET, queryset=exercises_for_clinic(clinic_id=clinic_id))
    for name, label in LIBRARY_FILTER_LABELS.items():
        field = found.form.fields[name]
        field.label, field.help_text = label, ""
        if hasattr(field, "choices"):
            field.choices = [("", _("Any")), *(c for c in field.choices if c[0] != "")]
    return found


class ProgramNewView(ClinicianPageMixin, View):
    template_name = "programs/program_new.html"

    def form(self, data=None, patient=None):
        initial = None
        if patient is not None:
            initial = {"start_date": local_today(patient.timezone), "name": _("Home program")}
        return ProgramNewForm(
            data,
            initial=initial,
            templates=list(templates_for_clinic(clinic_id=self.clinic_id)),
            exercises=list(exercises_for_clinic(clinic_id=self.clinic_id)),
        )

    def get(self, request, pk):
        patient = self.clinic_patient(pk)
        return render(
            request, self.template_name, {"patient": patient, "form": self.form(patient=patient)}
        )

    def post(self, request, pk):
        patient = self.clinic_patient(pk)
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            items = [{"exercise": data["exercise"]}] if data["exercise"] else []
            try:
                program = program_assign(
                    patient=patient,
                    name=data["name"],
                    start_date=data["start_date"],
                    template=data["template"],
                    items=items,
                    created_by=request.user,
                )
            except ItemsInvalid as exc:
                form.add_error(None, _flatten(exc.errors))
            else:
                self.audit(AuditEvent.Action.CREATE, [patient.pk])
                messages.success(request, _("Program assigned."))
                return redirect("console-program", program.pk)
        return render(request, self.template_name, {"patient": patient, "form": form}, status=400)


def _flatten(errors) -> list[str]:
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in _flatten(value)]
    if isinstance(errors, list):
        return [message for value in errors for message in _flatten(value)]
    return [str(errors)]


class ProgramMixin(ClinicianPageMixin):
    def clinic_program(self, pk) -> Program:
        program = get_object_or_404(programs_for_clinic(clinic_id=self.clinic_id), pk=pk)
        return program_with_items(program=program)


class ProgramEditView(ProgramMixin, View):
    template_name = "programs/program_edit.html"

    def context(self, request, program, formset=None, add_form=None, pause_form=None):
        items = program.current_items
        library = library_filter(request, self.clinic_id)
        exercises = list((library.qs if library.is_valid() else library.queryset)[:PICKER_LIMIT])
        if formset is None:
            formset = LineFormSet(initial=[LineForm.initial_for(item) for item in items])
        lines = list(zip(items, formset.forms, strict=True))
        return {
            "program": program,
            "patient": program.patient,
            "formset": formset,
            "lines": lines,
            "add_form": add_form or AddExerciseForm(exercises=exercises),
            "library_filter": library.form,
            "history": version_history(program_item_rows(program=program)),
            "editable": program.status != Program.Status.COMPLETED,
            "pause_form": pause_form
            or PauseForm(initial={"start": local_today(program.patient.timezone)}),
            "warnings": program_warnings(
                items=items, limit=program.patient.clinic.daily_exercise_limit
            ),
        }

    def get(self, request, pk):
        program = self.clinic_program(pk)
        self.audit(AuditEvent.Action.READ, [program.patient_id])
        return render(request, self.template_name, self.context(request, program))

    def post(self, request, pk):
        program = self.clinic_program(pk)
        formset = LineFormSet(
            request.POST, initial=[LineForm.initial_for(i) for i in program.current_items]
        )
        if len(formset.forms) != len(program.current_items):
            messages.error(
                request, _("The program changed since this page was opened; look again.")
            )
            return redirect("console-program", program.pk)
        add_form = AddExerciseForm(
            request.POST, exercises=list(exercises_for_clinic(clinic_id=self.clinic_id))
        )
        if formset.is_valid() and add_form.is_valid():
            items = [form.line() for form in formset.forms if not form.cleaned_data["remove"]]
            added = add_form.chosen()
            if added is not None:
                items.append({"exercise": added})
            try:
                program_update(program=program, data={"items": items})
            except ItemsInvalid as exc:
                formset_errors(formset, exc.errors, removed=_removed_indexes(formset))
            except ProgramStateError as exc:
                messages.error(request, str(exc))
                return redirect("console-program", program.pk)
            else:
                self.audit(AuditEvent.Action.UPDATE, [program.patient_id])
                messages.success(request, _("Program saved."))
                return redirect("console-program", program.pk)
        return render(
            request,
            self.template_name,
            self.context(request, program, formset=formset, add_form=add_form),
            status=400,
        )


def _removed_indexes(formset) -> list[int]:
    return [i for i, form in enumerate(formset.forms) if form.cleaned_data.get("remove")]


def formset_errors(formset, errors: dict, *, removed: list[int]) -> None:
    """Put the service's errors (keyed by the index of the lines it was given) on the
    forms they belong to; lines marked for removal were not sent."""
    kept = [i for i in range(len(formset.forms)) if i not in removed]
    for index, messages_by_field in errors.items():
        if not isinstance(index, int) or index >= len(kept):
            formset._non_form_errors = formset.error_class(_flatten(messages_by_field))
            continue
        form = formset.forms[kept[index]]
        for field, field_errors in messages_by_field.items():
            form.add_error(field if field in form.fields else None, _flatten(field_errors))


class ProgramSwapView(ProgramMixin, View):
    """POST swap=<key>:progression|regression: the line's exercise moves one step
    along the library chain, as a new version."""

    def post(self, request, pk):
        program = self.clinic_program(pk)
        key, _sep, direction = request.POST.get("swap", "").partition(":")
        item = next((i for i in program.current_items if str(i.key) == key), None)
        if item is None or direction not in {"progression", "regression"}:
            messages.error(request, _("That exercise is no longer in the program."))
            return redirect("console-program", program.pk)
        target = chain_neighbour(
            exercise=item.exercise, direction=direction, clinic_id=self.clinic_id
        )
        if target is None:
            messages.error(request, _("The library has no such step for this exercise."))
            return redirect("console-program", program.pk)
        try:
            program_line_change(program=program, key=item.key, exercise=target)
        except (ItemsInvalid, ProgramStateError) as exc:
            messages.error(request, " ".join(_flatten(getattr(exc, "errors", str(exc)))))
            return redirect("console-program", program.pk)
        self.audit(AuditEvent.Action.UPDATE, [program.patient_id])
        messages.success(
            request,
            _("Swapped %(old)s for %(new)s.") % {"old": item.exercise.name, "new": target.name},
        )
        return redirect("console-program", program.pk)


class ProgramStatusView(ProgramEditView):
    """POST to pause (from a given day), resume or complete, through the program
    services; a pause day the service refuses is shown beside its field."""

    http_method_names = ["post"]
    actions = {"resume": program_resume, "complete": program_complete}
    done = {
        "resume": gettext_lazy("Program resumed."),
        "complete": gettext_lazy("Program completed."),
    }

    def post(self, request, pk, action):
        program = self.clinic_program(pk)
        if action == "pause":
            return self.pause(request, program)
        try:
            self.actions[action](program=program)
        except ProgramStateError as exc:
            messages.error(request, str(exc))
        else:
            self.audit(AuditEvent.Action.UPDATE, [program.patient_id])
            messages.success(request, self.done[action])
        return redirect("console-program", program.pk)

    def pause(self, request, program):
        form = PauseForm(request.POST)
        if form.is_valid():
            try:
                paused = program_pause(program=program, start=form.cleaned_data["start"])
            except PauseStartInvalid as exc:
                form.add_error("start", str(exc))
            except ProgramStateError as exc:
                messages.error(request, str(exc))
                return redirect("console-program", program.pk)
            else:
                self.audit(AuditEvent.Action.UPDATE, [program.patient_id])
                start = paused.pauses.order_by("-start").first().start
                messages.success(
                    request, _("Program paused from %(day)s.") % {"day": f"{start:%-d %b %Y}"}
                )
                return redirect("console-program", program.pk)
        context = self.context(request, program, pause_form=form)
        return render(request, self.template_name, context, status=400)
