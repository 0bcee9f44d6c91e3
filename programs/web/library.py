"""The library (global entries read-only, the clinic's own editable, with photos and
videos) and the protocols, in the console."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from rest_framework.exceptions import APIException

from config.web.access import ClinicianPageMixin
from patients.auth import TokenAuthentication
from programs.models import ExerciseMedia
from programs.selectors.clinic import (
    exercise_for_clinic,
    exercises_for_clinic,
    templates_for_clinic,
)
from programs.services.exercises import (
    MediaRefused,
    SlugTaken,
    exercise_create,
    exercise_media_add,
    exercise_update,
)
from programs.services.templates import template_create, template_update
from programs.web.library_forms import ExerciseForm, MediaForm, ProtocolForm
from programs.web.programs import library_filter

PER_PAGE = 50


class LibraryView(ClinicianPageMixin, View):
    template_name = "programs/library.html"

    def get(self, request):
        found = library_filter(request, self.clinic_id)
        exercises = found.qs if found.is_valid() else found.queryset.none()
        page = Paginator(exercises, PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {"filter": found, "page": page, "query": query.urlencode()},
        )


class ExerciseNewView(ClinicianPageMixin, View):
    template_name = "programs/exercise_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ExerciseForm(), "exercise": None})

    def post(self, request):
        form = ExerciseForm(request.POST)
        if form.is_valid():
            slug = slugify(form.cleaned_data["name"])[:100]
            try:
                exercise = exercise_create(
                    clinic=self.clinician.clinic, slug=slug, data=form.cleaned_data
                )
            except SlugTaken:
                form.add_error("name", _("The library already has an exercise with this name."))
            else:
                return redirect("console-exercise", exercise.slug)
        return render(request, self.template_name, {"form": form, "exercise": None}, status=400)


class ExerciseView(ClinicianPageMixin, View):
    """An exercise's page; for a clinic exercise also its edit form and media upload."""

    template_name = "programs/exercise.html"

    def exercise(self, slug):
        exercise = exercise_for_clinic(clinic_id=self.clinic_id, slug=slug)
        if exercise is None:
            raise Http404("No such exercise")
        return exercise

    def context(self, exercise, form=None, media_form=None):
        editable = not exercise.is_global
        return {
            "exercise": exercise,
            "editable": editable,
            "form": form
            or (ExerciseForm(initial=ExerciseForm.initial_for(exercise)) if editable else None),
            "media_form": media_form or MediaForm(),
            "media": list(exercise.media.all()) if editable else [],
        }

    def get(self, request, slug):
        return render(request, self.template_name, self.context(self.exercise(slug)))

    def post(self, request, slug):
        exercise = self.exercise(slug)
        if exercise.is_global:
            raise Http404("Global library exercises are read-only")
        if request.POST.get("action") == "upload":
            media_form = MediaForm(request.POST, request.FILES)
            if media_form.is_valid():
                try:
                    exercise_media_add(
                        exercise=exercise,
                        upload=media_form.cleaned_data["file"],
                        caption=media_form.cleaned_data["caption"],
                        by=request.user,
                    )
                except MediaRefused as exc:
                    media_form.add_error("file", str(exc))
                else:
                    return redirect("console-exercise", exercise.slug)
            return render(
                request,
                self.template_name,
                self.context(exercise, media_form=media_form),
                status=400,
            )
        form = ExerciseForm(request.POST)
        if form.is_valid():
            exercise_update(exercise=exercise, data=form.cleaned_data)
            return redirect("console-exercise", exercise.slug)
        return render(request, self.template_name, self.context(exercise, form=form), status=400)


def media_file(request, pk):
    """A clinic exercise's photo or video, to that clinic's signed-in staff (session)
    or its patients (their app token); anyone else gets a 404."""
    media = get_object_or_404(ExerciseMedia.objects.select_related("exercise"), pk=pk)
    clinic_id = media.exercise.clinic_id
    user = request.user if request.user.is_authenticated else None
    if user is None:
        try:
            found = TokenAuthentication().authenticate(request)
        except APIException:
            found = None
        user = found[0] if found else None
    member = getattr(user, "clinician", None) or getattr(user, "patient", None)
    if member is None or member.clinic_id != clinic_id:
        raise Http404("No such file")
    # Through the storage API (filesystem or S3-compatible bucket alike); the bucket's
    # own URLs are never handed out.
    try:
        opened = media.file.storage.open(media.file.name, "rb")
    except FileNotFoundError:
        raise Http404("No such file") from None
    response = FileResponse(opened, content_type=media.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ProtocolListView(ClinicianPageMixin, View):
    template_name = "programs/protocols.html"

    def get(self, request):
        protocols = list(templates_for_clinic(clinic_id=self.clinic_id))
        return render(request, self.template_name, {"protocols": protocols})


def _protocol_items(exercises) -> list[dict]:
    return [
        {
            "exercise": exercise,
            "order": order,
            "sets": exercise.default_sets,
            "reps": exercise.default_reps,
            "hold_seconds": exercise.default_hold_seconds,
            "duration_seconds": exercise.default_duration_seconds,
        }
        for order, exercise in enumerate(exercises, start=1)
    ]


class ProtocolEditView(ClinicianPageMixin, View):
    """GET a protocol (global: read-only); POST to create (no id) or change the clinic's own."""

    template_name = "programs/protocol.html"

    def protocol(self, pk):
        if pk is None:
            return None
        return get_object_or_404(templates_for_clinic(clinic_id=self.clinic_id), pk=pk)

    def form(self, data=None, protocol=None):
        initial = None
        if protocol is not None:
            initial = {
                "name": protocol.name,
                "description": protocol.description,
                "exercises": [str(item.exercise_id) for item in protocol.items.all()],
            }
        form = ProtocolForm(
            data, initial=initial, exercises=list(exercises_for_clinic(clinic_id=self.clinic_id))
        )
        if protocol is not None and protocol.phases.all():
            # One flat list of exercises cannot say which phase each belongs to: the
            # phases keep their lines, and this form changes the name and description.
            del form.fields["exercises"]
        return form

    def get(self, request, pk=None):
        protocol = self.protocol(pk)
        editable = protocol is None or protocol.clinic_id is not None
        form = self.form(protocol=protocol) if editable else None
        return render(
            request, self.template_name, {"protocol": protocol, "form": form, "editable": editable}
        )

    def post(self, request, pk=None):
        protocol = self.protocol(pk)
        if protocol is not None and protocol.clinic_id is None:
            raise Http404("Global protocols are read-only")
        form = self.form(request.POST, protocol=protocol)
        if form.is_valid():
            data = form.cleaned_data
            lines = {"items": _protocol_items(form.chosen())} if "exercises" in form.fields else {}
            if protocol is None:
                protocol = template_create(
                    clinic=self.clinician.clinic,
                    name=data["name"],
                    description=data["description"],
                    **lines,
                )
            else:
                template_update(
                    template=protocol,
                    data={"name": data["name"], "description": data["description"], **lines},
                )
            return redirect("console-protocol", protocol.pk)
        return render(
            request,
            self.template_name,
            {"protocol": protocol, "form": form, "editable": True},
            status=400,
        )
