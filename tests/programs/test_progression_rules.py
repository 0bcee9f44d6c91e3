"""Progression rules stored as data: clinic defaults and per-protocol overrides."""

import pytest
from django.db import IntegrityError

from programs.progression import Rule
from programs.selectors.rules import rule_book
from programs.suggestion_models import ProgressionRule
from tests.factories import ClinicFactory, ProgramTemplateFactory

pytestmark = pytest.mark.django_db


def test_protocol_override_then_clinic_default_then_built_in():
    clinic, other = ClinicFactory(), ClinicFactory()
    protocol, plain = ProgramTemplateFactory(), ProgramTemplateFactory()
    ProgressionRule.objects.create(clinic=clinic, advance_max_pain=2)
    ProgressionRule.objects.create(
        clinic=clinic, template=protocol, advance_complete=4, auto_apply=True
    )
    book = rule_book(clinic_ids=[clinic.pk, other.pk])
    override = book.rule_for(clinic_id=clinic.pk, template_id=protocol.pk)
    assert override.rule.advance_complete == 4 and override.auto_apply
    assert override.rule.advance_max_pain == Rule().advance_max_pain  # a whole rule, not merged
    default = book.rule_for(clinic_id=clinic.pk, template_id=plain.pk)
    assert default.rule.advance_max_pain == 2 and not default.auto_apply
    assert book.rule_for(clinic_id=clinic.pk, template_id=None).rule.advance_max_pain == 2
    assert book.rule_for(clinic_id=other.pk, template_id=protocol.pk).rule == Rule()


def test_a_rule_cannot_ask_for_more_complete_sessions_than_it_looks_at():
    with pytest.raises(IntegrityError):
        ProgressionRule.objects.create(clinic=ClinicFactory(), advance_complete=5, advance_window=4)


def test_one_default_per_clinic():
    clinic = ClinicFactory()
    ProgressionRule.objects.create(clinic=clinic)
    with pytest.raises(IntegrityError):
        ProgressionRule.objects.create(clinic=clinic)
