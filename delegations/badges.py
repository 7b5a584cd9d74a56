"""What a member's badge says of their delegation (registered with `registration.badges`)."""

from django.utils.translation import gettext as _

from delegations.models import DelegationMember
from registration.models import Registration


def delegation_lines(registration: Registration) -> tuple[str, ...]:
    """The delegation's name, and "Head of delegation" for its head; nothing for anyone else."""
    member = DelegationMember.objects.select_related("delegation").filter(registration=registration).first()
    if member is None:
        return ()
    name = _("Delegation: %(name)s") % {"name": member.delegation.name}
    return (name, _("Head of delegation")) if member.is_head else (name,)
