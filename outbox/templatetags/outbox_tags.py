from django import template

from outbox.delivery import overdue_count

register = template.Library()


@register.simple_tag
def emails_overdue(user) -> int:
    """Emails written more than 15 minutes ago and still unsent (0 for staff who cannot see the outbox)."""
    if not user.has_perm("outbox.view_outgoingemail"):
        return 0
    return overdue_count()
