"""Forms for the clinic's own exercises and protocols."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Category, Driver, Equipment, Laterality, Region

LIST_FIELDS = ("instructions", "cues", "common_mistakes", "cautions")


class LinesField(forms.CharField):
    """A list of sentences typed one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def _dose(label, high):
    return forms.IntegerField(label=label, min_value=1, max_value=high, required=False)


class ExerciseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    body_regions = forms.MultipleChoiceField(
        label=_("Body regions"), choices=Region.choices, widget=forms.CheckboxSelectMultiple
    )
    drivers = forms.MultipleChoiceField(
        label=_("Drivers"),
        choices=Driver.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment"),
        choices=Equipment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.IntegerField(label=_("Level"), min_value=1, max_value=4, initial=1)
    laterality = forms.ChoiceField(label=_("Sides"), choices=Laterality.choices)
    default_sets = _dose(_("Default sets"), 20)
    default_reps = _dose(_("Default reps"), 200)
    default_hold_seconds = _dose(_("Default hold (seconds)"), 600)
    default_duration_seconds = _dose(_("Default duration (seconds)"), 14400)
    instructions = LinesField(label=_("Instructions"), help_text=_("One step per line."))
    cues = LinesField(label=_("Cues"), required=False, help_text=_("One per line."))
    common_mistakes = LinesField(label=_("Common mistakes"), required=False)
    cautions = LinesField(label=_("Cautions"), required=False)

    @staticmethod
    def initial_for(exercise) -> dict:
        return {name: getattr(exercise, name) for name in ExerciseForm.base_fields}


class MediaForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or short video"),
        help_text=_("JPEG, PNG or WebP photo, or MP4 or WebM video."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4,video/webm"}
        ),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class ProtocolForm(forms.Form):
    name = forms.CharField(label=_("Protocol name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    exercises = forms.MultipleChoiceField(
        label=_("Exercises"),
        help_text=_("Each with its default dose, in library order; adjust doses per patient."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, exercises, **kwargs):
        super().__init__(*args, **kwargs)
        self.library = {str(e.pk): e for e in exercises}
        self.fields["exercises"].choices = [(pk, e.name) for pk, e in self.library.items()]

    def chosen(self):
        return [self.library[pk] for pk in self.cleaned_data["exercises"]]
