from django import template

from programs.web.present import dose_text, schedule_text

register = template.Library()


@register.filter
def dose(line) -> str:
    return dose_text(line)


@register.filter
def schedule(line) -> str:
    return schedule_text(line)
