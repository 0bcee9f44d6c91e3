"""Which progression rule applies to a program: its protocol's override, else its
clinic's default, else the built-in defaults (programs.progression.Rule)."""

from collections.abc import Iterable
from dataclasses import dataclass

from programs.progression import Rule
from programs.suggestion_models import ProgressionRule

BUILT_IN = Rule()


@dataclass(frozen=True)
class AppliedRule:
    rule: Rule
    auto_apply: bool = False


@dataclass
class RuleBook:
    """The rules of a set of clinics, loaded in one query."""

    by_key: dict[tuple[int, int | None], AppliedRule]

    def rule_for(self, *, clinic_id: int, template_id: int | None) -> AppliedRule:
        found = self.by_key.get((clinic_id, template_id)) if template_id is not None else None
        return found or self.by_key.get((clinic_id, None)) or AppliedRule(BUILT_IN)


def rule_book(*, clinic_ids: Iterable[int]) -> RuleBook:
    return RuleBook(
        {
            (row.clinic_id, row.template_id): AppliedRule(row.as_rule(), row.auto_apply)
            for row in ProgressionRule.objects.filter(clinic_id__in=set(clinic_ids))
        }
    )
