"""Forms of the program editor: one form per line, a formset for the program."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Side, days_to_mask, mask_to_days

WEEKDAY_CHOICES = [
    (1, _("Mon")),
    (2, _("Tue")),
    (3, _("Wed")),
    (4, _("Thu")),
    (5, _("Fri")),
    (6, _("Sat")),
    (7, _("Sun")),
]


def _dose(label: str, high: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=high,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class LineForm(forms.Form):
    """One line of a program; the exercise is fixed (swap it with the library chain)."""

    key = forms.UUIDField(widget=forms.HiddenInput)
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=500)
    sets = _dose(_("Sets"), 20)
    reps = _dose(_("Reps"), 200)
    hold_seconds = _dose(_("Hold (seconds)"), 600)
    duration_seconds = _dose(_("Duration (seconds)"), 14400)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    days = forms.TypedMultipleChoiceField(
        label=_("Days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one day.")},
    )
    times_per_day = forms.IntegerField(label=_("Times a day"), min_value=1, max_value=10)
    notes = forms.CharField(
        label=_("Note for the patient"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    remove = forms.BooleanField(label=_("Remove this exercise"), required=False)

    @staticmethod
    def initial_for(item) -> dict:
        return {
            "key": item.key,
            "order": item.order,
            "sets": item.sets,
            "reps": item.reps,
            "hold_seconds": item.hold_seconds,
            "duration_seconds": item.duration_seconds,
            "side": item.side,
            "days": mask_to_days(item.days_mask),
            "times_per_day": item.times_per_day,
            "notes": item.notes,
        }

    def line(self) -> dict:
        """The line as programs.services.programs takes it."""
        data = self.cleaned_data
        return {
            "key": data["key"],
            "order": data["order"],
            "sets": data["sets"],
            "reps": data["reps"],
            "hold_seconds": data["hold_seconds"],
            "duration_seconds": data["duration_seconds"],
            "side": data["side"],
            "days_mask": days_to_mask(data["days"]),
            "times_per_day": data["times_per_day"],
            "notes": data["notes"],
        }


LineFormSet = forms.formset_factory(LineForm, extra=0)


class ProgramNewForm(forms.Form):
    name = forms.CharField(label=_("Program name"), max_length=200)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    template = forms.ChoiceField(
        label=_("Start from a protocol"),
        required=False,
        help_text=_("Or leave empty and pick the first exercise below."),
    )
    exercise = forms.ChoiceField(label=_("First exercise"), required=False)

    def __init__(self, *args, templates, exercises, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {str(t.pk): t for t in templates}
        self.exercises = {str(e.pk): e for e in exercises}
        self.fields["template"].choices = [("", _("Empty program"))] + [
            (pk, t.name) for pk, t in self.templates.items()
        ]
        self.fields["exercise"].choices = [("", "—")] + [
            (pk, e.name) for pk, e in self.exercises.items()
        ]

    def clean(self):
        data = super().clean()
        data["template"] = self.templates.get(data.get("template") or "")
        data["exercise"] = self.exercises.get(data.get("exercise") or "")
        if data["template"] is None and data["exercise"] is None and not self.errors:
            self.add_error("exercise", _("Pick a protocol or a first exercise."))
        return data


class AddExerciseForm(forms.Form):
    exercise = forms.ChoiceField(
        label=_("Exercise to add"),
        required=False,
        help_text=_("It is added with its default dose when you save the program."),
        # The field sits beside the library filters, outside the program's <form>.
        widget=forms.Select(attrs={"form": "program-form"}),
    )

    def __init__(self, *args, exercises, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercises = {str(e.pk): e for e in exercises}
        self.fields["exercise"].choices = [("", "—")] + [
            (pk, f"{e.name} ({e.get_category_display()}, level {e.level})")
            for pk, e in self.exercises.items()
        ]

    def chosen(self):
        return self.exercises.get(self.cleaned_data.get("exercise") or "")


class PauseForm(forms.Form):
    """The first paused day; the pause service decides which days are allowed."""

    prefix = "pause"
    start = forms.DateField(
        label=_("First paused day"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_(
            "Today, or an earlier day if the patient stopped before: those days then "
            "show as paused, not missed. The pause lasts until you resume the program."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
