from django import template

from programs.selectors.phases import phase_summary
from programs.web.present import dose_text, schedule_text

register = template.Library()


@register.filter
def dose(line) -> str:
    return dose_text(line)


@register.filter
def schedule(line) -> str:
    return schedule_text(line)


@register.filter
def phase(program):
    """Where the program stands in its protocol's phases (None without phases)."""
    return phase_summary(program)
