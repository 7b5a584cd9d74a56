from django import template

from registration.models import IdentityCorrection

register = template.Library()


@register.simple_tag
def corrections_waiting(user) -> int:
    """How many corrections of identity wait for this staff member's review (0 for those who cannot see them)."""
    if not user.has_perm("registration.view_identitycorrection"):
        return 0
    return IdentityCorrection.objects.visible_to(user).filter(status=IdentityCorrection.Status.PENDING).count()
