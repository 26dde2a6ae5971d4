from django import template

from accounts.selectors import staff_may
from insight.models import programs_visible_to
from programs.models import Program

register = template.Library()


@register.simple_tag
def program_dashboards(user) -> list[Program]:
    """The programs whose dashboard this person may open (the admin index lists them)."""
    if not staff_may(user=user, perm="programs.view_program"):
        return []
    return list(programs_visible_to(user).order_by("order", "title").only("pk", "title"))
