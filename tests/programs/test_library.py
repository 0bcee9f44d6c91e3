import copy
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from programs import library
from programs.library.loader import LibraryDataError, load_library
from programs.models import (
    Category,
    Driver,
    Exercise,
    Laterality,
    ProgramTemplate,
    Side,
    TemplateItem,
    TemplatePhase,
    days_to_mask,
)
from tests import factories

pytestmark = pytest.mark.django_db

EXERCISE_COUNT = len(library.EXERCISES)
PROTOCOL_COUNT = len(library.PROTOCOLS)

# The chains of domain.md's library table, easiest first.
CHAINS = [
    ["dead-bug-heel-taps", "dead-bug-legs-only", "dead-bug", "dead-bug-banded"],
    ["knee-plank", "front-plank", "plank-shoulder-taps"],
    ["knee-side-plank", "side-plank", "side-plank-hip-dip"],
    ["glute-bridge", "marching-bridge", "single-leg-bridge"],
    ["reverse-lunge", "walking-lunge"],
    ["goblet-squat", "front-squat"],
    ["hip-hinge-drill", "romanian-deadlift"],
    [
        "pallof-press-tall-kneeling",
        "pallof-press-half-kneeling",
        "pallof-press-standing",
        "pallof-press-split-stance",
    ],
    ["clamshell", "banded-clamshell"],
    ["half-kneeling-hip-flexor-stretch", "couch-stretch"],
]

# Every other exercise named in the table, by category.
NAMED_SINGLES = {
    "core_anti_extension": ["bird-dog"],
    "anti_rotation": ["single-leg-rdl", "step-up", "single-leg-balance"],
    "hip_abductors": ["side-lying-hip-abduction", "lateral-band-walk"],
    "soft_tissue": [
        "foam-roll-hip-flexors-quads",
        "foam-roll-glutes-piriformis",
        "foam-roll-thoracic-spine",
        "foam-roll-lumbar-extensors",
    ],
    "stretch": ["hamstring-stretch", "figure-4-stretch"],
    "thoracic_mobility": [
        "thoracic-extension-foam-roller",
        "open-book",
        "quadruped-thoracic-rotation",
        "cat-camel",
    ],
    "running_form": ["cadence-drill", "form-cue-check-in", "easy-run-form-focus"],
    "habits": ["movement-break", "hydration-electrolytes", "gradual-mileage-ramp"],
}

# What domain.md says each starter protocol contains.
PROTOCOL_CONTENTS = {
    "anterior-pelvic-tilt-reset": {
        "foam-roll-hip-flexors-quads",
        "foam-roll-lumbar-extensors",
        "half-kneeling-hip-flexor-stretch",
        "dead-bug",
        "front-plank",
        "side-plank",
        "glute-bridge",
        "reverse-lunge",
        "pallof-press-half-kneeling",
    },
    "hip-stability-for-runners": {
        "clamshell",
        "side-lying-hip-abduction",
        "lateral-band-walk",
        "single-leg-bridge",
        "single-leg-rdl",
        "side-plank",
    },
    "thoracic-mobility-for-runners": {
        "foam-roll-thoracic-spine",
        "thoracic-extension-foam-roller",
        "open-book",
        "quadruped-thoracic-rotation",
        "cat-camel",
        "movement-break",
    },
    "return-to-run-form-and-load": {
        "cadence-drill",
        "form-cue-check-in",
        "gradual-mileage-ramp",
        "hydration-electrolytes",
        "dead-bug",
        "side-plank",
    },
}

STRENGTH = {
    Category.CORE_ANTI_EXTENSION,
    Category.CORE_LATERAL,
    Category.HIP_EXTENSION,
    Category.ANTI_ROTATION,
    Category.HIP_ABDUCTORS,
}
MOBILITY_AND_RELEASE = {Category.SOFT_TISSUE, Category.STRETCH, Category.THORACIC_MOBILITY}


def exercise_data() -> list[dict]:
    return copy.deepcopy(library.EXERCISES)


def protocol_data() -> list[dict]:
    return copy.deepcopy(library.PROTOCOLS)


def entry(data: list[dict], slug: str) -> dict:
    return next(item for item in data if item["slug"] == slug)


def counts(report) -> tuple[int, ...]:
    return (
        report.exercises_created,
        report.exercises_updated,
        report.exercises_unchanged,
        report.protocols_created,
        report.protocols_updated,
        report.protocols_unchanged,
    )


def database_snapshot() -> tuple:
    exercises = list(Exercise.objects.order_by("slug").values())
    templates = list(ProgramTemplate.objects.order_by("slug").values())
    items = list(TemplateItem.objects.order_by("template_id", "order").values())
    return exercises, templates, items


# Loading and reloading


def test_first_load_creates_the_library_and_a_second_load_changes_nothing():
    first = load_library()
    assert counts(first) == (EXERCISE_COUNT, 0, 0, PROTOCOL_COUNT, 0, 0)
    assert EXERCISE_COUNT >= 40
    assert PROTOCOL_COUNT == 4
    before = database_snapshot()

    second = load_library()

    assert counts(second) == (0, 0, EXERCISE_COUNT, 0, 0, PROTOCOL_COUNT)
    assert database_snapshot() == before


def test_everything_is_global():
    load_library()
    assert Exercise.objects.filter(clinic__isnull=False).count() == 0
    assert Exercise.objects.count() == EXERCISE_COUNT
    assert set(ProgramTemplate.objects.values_list("slug", flat=True)) == set(PROTOCOL_CONTENTS)
    assert ProgramTemplate.objects.filter(clinic__isnull=False).count() == 0


def test_a_clinic_exercise_with_the_same_slug_is_left_alone(clinic):
    private = factories.ExerciseFactory(clinic=clinic, slug="dead-bug", name="Our dead bug")

    report = load_library()

    assert report.exercises_created == EXERCISE_COUNT
    private.refresh_from_db()
    assert private.name == "Our dead bug"
    assert Exercise.objects.get(clinic__isnull=True, slug="dead-bug").name != "Our dead bug"


def test_an_exercise_edited_in_the_database_is_restored_on_the_next_load():
    load_library()
    Exercise.objects.filter(slug="glute-bridge").update(name="Bridge (edited)", level=4)

    report = load_library()

    assert counts(report) == (0, 1, EXERCISE_COUNT - 1, 0, 0, PROTOCOL_COUNT)
    bridge = Exercise.objects.get(slug="glute-bridge")
    assert bridge.name == entry(library.EXERCISES, "glute-bridge")["name"]
    assert bridge.level == 1


def test_a_broken_chain_link_is_relinked():
    load_library()
    Exercise.objects.filter(slug="front-plank").update(progression=None)

    report = load_library()

    assert report.exercises_updated == 1
    plank = Exercise.objects.get(slug="front-plank")
    assert plank.progression.slug == "plank-shoulder-taps"


def test_changed_data_updates_only_the_changed_entry():
    load_library()
    data = exercise_data()
    entry(data, "bird-dog")["cues"].append("Pause and breathe before switching sides.")
    untouched = Exercise.objects.get(slug="clamshell").updated_at

    report = load_library(exercises=data)

    assert counts(report)[:3] == (0, 1, EXERCISE_COUNT - 1)
    assert Exercise.objects.get(slug="bird-dog").cues[-1].startswith("Pause and breathe")
    assert Exercise.objects.get(slug="clamshell").updated_at == untouched


def test_protocol_items_are_replaced_only_when_they_differ():
    load_library()
    item_ids = set(TemplateItem.objects.values_list("id", flat=True))

    load_library()
    assert set(TemplateItem.objects.values_list("id", flat=True)) == item_ids

    template = ProgramTemplate.objects.get(slug="hip-stability-for-runners")
    template.items.filter(order=1).update(reps=99)
    report = load_library()

    assert (report.protocols_updated, report.protocols_unchanged) == (1, PROTOCOL_COUNT - 1)
    assert template.items.get(order=1).reps == 15
    other_ids = TemplateItem.objects.exclude(template=template).values_list("id", flat=True)
    assert set(other_ids) <= item_ids


def test_a_new_protocol_description_counts_as_an_update():
    load_library()
    protocols = protocol_data()
    protocols[0]["description"] += " Revised."

    report = load_library(protocols=protocols)

    assert counts(report)[3:] == (0, 1, PROTOCOL_COUNT - 1)
    template = ProgramTemplate.objects.get(slug=protocols[0]["slug"])
    assert template.description.endswith("Revised.")


# The content


def test_every_exercise_has_every_field_filled():
    load_library()
    for exercise in Exercise.objects.all():
        label = exercise.slug
        assert exercise.name, label
        assert exercise.category in Category.values, label
        for field in (
            "body_regions",
            "target_muscles",
            "drivers",
            "equipment",
            "instructions",
            "cues",
            "common_mistakes",
            "cautions",
        ):
            values = getattr(exercise, field)
            assert values and all(isinstance(v, str) and v.strip() for v in values), (label, field)
        assert 1 <= exercise.level <= 4, label
        assert exercise.laterality in Laterality.values, label
        assert any(
            value is not None
            for value in (
                exercise.default_reps,
                exercise.default_hold_seconds,
                exercise.default_duration_seconds,
            )
        ), label
        # Text only until a clinic adds media: no address that leads nowhere.
        assert exercise.media_urls == [], label


def test_every_category_and_driver_is_covered():
    load_library()
    exercises = list(Exercise.objects.all())
    assert {exercise.category for exercise in exercises} == set(Category.values)
    assert {driver for exercise in exercises for driver in exercise.drivers} == set(Driver.values)


def test_every_exercise_named_in_the_domain_table_is_in_its_category():
    load_library()
    category_of = dict(Exercise.objects.values_list("slug", "category"))
    for category, slugs in NAMED_SINGLES.items():
        for slug in slugs:
            assert category_of.get(slug) == category, slug
    for chain in CHAINS:
        for slug in chain:
            assert slug in category_of, slug


@pytest.mark.parametrize("chain", CHAINS, ids=lambda chain: chain[0])
def test_chains_are_linked_both_ways_in_order(chain):
    load_library()
    exercises = {e.slug: e for e in Exercise.objects.select_related("regression", "progression")}
    first, last = exercises[chain[0]], exercises[chain[-1]]
    assert first.regression is None
    assert last.progression is None
    for easier, harder in pairwise(chain):
        assert exercises[easier].progression.slug == harder
        assert exercises[harder].regression.slug == easier
        assert exercises[easier].level <= exercises[harder].level


def test_every_link_has_its_mirror_and_no_chain_loops():
    load_library()
    exercises = {e.pk: e for e in Exercise.objects.all()}
    for exercise in exercises.values():
        if exercise.progression_id:
            assert exercises[exercise.progression_id].regression_id == exercise.pk
        if exercise.regression_id:
            assert exercises[exercise.regression_id].progression_id == exercise.pk
        seen = {exercise.pk}
        step = exercise.progression_id
        while step is not None:
            assert step not in seen, f"loop through {exercise.slug}"
            seen.add(step)
            step = exercises[step].progression_id


def test_protocols_hold_the_exercises_domain_names():
    load_library()
    library_slugs = {item["slug"] for item in library.EXERCISES}
    for slug, expected in PROTOCOL_CONTENTS.items():
        template = ProgramTemplate.objects.get(slug=slug)
        items = list(template.items.select_related("exercise"))
        assert template.description
        assert [item.order for item in items] == list(range(1, len(items) + 1))
        slugs = {item.exercise.slug for item in items}
        assert expected <= slugs, expected - slugs
        for item in items:
            assert item.exercise.clinic_id is None
            assert item.exercise.slug in library_slugs


def test_protocol_dosing_follows_the_typical_schedule():
    load_library()
    daily = days_to_mask(range(1, 8))
    for item in TemplateItem.objects.select_related("exercise"):
        label = (item.template.slug, item.exercise.slug)
        if item.exercise.category in MOBILITY_AND_RELEASE:
            assert item.days_mask == daily, label
        if item.exercise.category in STRENGTH:
            assert item.days_mask == days_to_mask([1, 3, 5]), label
            assert item.sets in (2, 3), label
        if item.exercise.laterality == Laterality.EACH_SIDE:
            assert item.side == Side.EACH, label
        else:
            assert item.side == Side.BOTH, label


# Bad data


def assert_rejected(message_parts: list[str], **data) -> None:
    before = database_snapshot()
    with pytest.raises(LibraryDataError) as raised:
        load_library(**data)
    for part in message_parts:
        assert part in str(raised.value)
    assert database_snapshot() == before


def test_an_unknown_category_is_rejected_and_nothing_is_written():
    data = exercise_data()
    entry(data, "step-up")["category"] = "cardio"
    assert_rejected(["exercise 'step-up'", "unknown category 'cardio'"], exercises=data)
    assert Exercise.objects.count() == 0


def test_bad_data_leaves_an_existing_library_untouched():
    load_library()
    data = exercise_data()
    entry(data, "glute-bridge")["name"] = "A perfectly good new name"
    entry(data, "open-book")["drivers"] = ["stiff_thoracic_spine", "bad_posture"]
    assert_rejected(["exercise 'open-book'", "'bad_posture'"], exercises=data)


def test_a_link_to_a_missing_exercise_is_rejected():
    data = exercise_data()
    entry(data, "bird-dog")["progression"] = "bird-dog-on-a-ball"
    assert_rejected(
        ["exercise 'bird-dog'", "unknown exercise 'bird-dog-on-a-ball'"], exercises=data
    )


def test_a_one_way_link_is_rejected():
    data = exercise_data()
    del entry(data, "walking-lunge")["regression"]
    assert_rejected(["exercise 'reverse-lunge'", "both ways"], exercises=data)


def test_a_chain_that_loops_is_rejected():
    data = exercise_data()
    entry(data, "front-squat")["progression"] = "goblet-squat"
    entry(data, "goblet-squat")["regression"] = "front-squat"
    assert_rejected(["loops"], exercises=data)


def test_missing_fields_and_unknown_values_are_all_named():
    data = exercise_data()
    del entry(data, "cat-camel")["cautions"]
    entry(data, "clamshell")["equipment"] = ["kettlebell"]
    entry(data, "side-plank")["level"] = 7
    assert_rejected(
        [
            "exercise 'cat-camel': missing fields cautions",
            "exercise 'clamshell': unknown equipment value 'kettlebell'",
            "exercise 'side-plank': level must be",
        ],
        exercises=data,
    )


def test_a_protocol_item_naming_an_unknown_exercise_is_rejected():
    protocols = protocol_data()
    protocols[1]["phases"][0]["items"][0]["exercise"] = "monster-walk"
    assert_rejected(
        [f"protocol '{protocols[1]['slug']}' phase 1 item 1", "unknown exercise 'monster-walk'"],
        protocols=protocols,
    )
    assert ProgramTemplate.objects.count() == 0


def test_a_protocol_item_with_impossible_days_is_rejected():
    protocols = protocol_data()
    protocols[0]["phases"][1]["items"][2]["days"] = [0, 8]
    assert_rejected(["phase 2 item 3", "ISO weekdays"], protocols=protocols)


def test_a_phase_without_lines_or_with_an_unknown_advance_is_rejected():
    protocols = protocol_data()
    protocols[2]["phases"][0]["items"] = []
    protocols[2]["phases"][1]["advance"] = "whenever"
    assert_rejected(
        ["phase 1: items must be a non-empty list", "phase 2: advance must be"],
        protocols=protocols,
    )


def test_every_starter_protocol_has_two_or_three_phases_each_with_lines():
    load_library()
    for template in ProgramTemplate.objects.filter(clinic__isnull=True):
        phases = list(template.phases.order_by("order"))
        assert 2 <= len(phases) <= 3, template.slug
        assert [phase.order for phase in phases] == list(range(1, len(phases) + 1))
        assert all(phase.items.exists() and phase.description for phase in phases)
        assert not template.items.filter(phase__isnull=True).exists()


def test_reloading_keeps_the_phase_rows_programs_point_at():
    load_library()
    before = set(TemplatePhase.objects.values_list("pk", flat=True))
    protocols = protocol_data()
    protocols[0]["phases"][0]["name"] = "Release first"
    load_library(protocols=protocols)
    assert set(TemplatePhase.objects.values_list("pk", flat=True)) == before
    assert TemplatePhase.objects.filter(name="Release first").count() == 1


def test_a_failure_while_writing_rolls_everything_back(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("programs.library.loader._upsert_protocols", fail)
    with pytest.raises(RuntimeError):
        load_library()
    assert Exercise.objects.count() == 0


# The command


def test_command_prints_a_one_line_summary():
    out = StringIO()
    call_command("load_library", stdout=out)
    assert out.getvalue() == (
        f"Exercise library: {EXERCISE_COUNT} created, 0 updated, 0 unchanged. "
        f"Protocols: {PROTOCOL_COUNT} created, 0 updated, 0 unchanged.\n"
    )

    out = StringIO()
    call_command("load_library", stdout=out)
    assert out.getvalue() == (
        f"Exercise library: 0 created, 0 updated, {EXERCISE_COUNT} unchanged. "
        f"Protocols: 0 created, 0 updated, {PROTOCOL_COUNT} unchanged.\n"
    )


def test_command_names_changed_entries_when_verbose():
    load_library()
    Exercise.objects.filter(slug="cat-camel").update(cues=[])
    out = StringIO()
    call_command("load_library", verbosity=2, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "updated exercise cat-camel (cues)",
        f"Exercise library: 0 created, 1 updated, {EXERCISE_COUNT - 1} unchanged. "
        f"Protocols: 0 created, 0 updated, {PROTOCOL_COUNT} unchanged.",
    ]


def test_command_reports_bad_data_as_an_error(monkeypatch):
    data = exercise_data()
    entry(data, "cadence-drill")["laterality"] = "alternating"
    monkeypatch.setattr(library, "EXERCISES", data)
    with pytest.raises(CommandError, match="exercise 'cadence-drill': unknown laterality"):
        call_command("load_library", stdout=StringIO())
    assert Exercise.objects.count() == 0
