"""Delegations for tests: a delegation as organisers create it, and members as a focal point adds them."""

from delegations import services
from delegations.models import Delegation
from registration.models import Registration
from tests.factories import registration_details


def delegation(conference, *, quota: int = 3, **overrides) -> Delegation:
    """Kazakhstan's parliamentary delegation, invited, its focal point writing in English."""
    facts = {
        "country": "KZ",
        "kind": Delegation.Kind.PARLIAMENT,
        "quota": quota,
        "focal_point_name": "Gulnara Aitova",
        "focal_point_email": "focal@example.kz",
        "focal_point_phone": "+77011112233",
        "focal_point_position": "Head of protocol",
        "language": "en",
    } | overrides
    return Delegation.objects.create(conference=conference, **facts)


def member_details(email: str = "", **overrides) -> dict:
    """A member as the focal point's form gives them to the service (no address unless given)."""
    details = registration_details(email=email, **overrides)
    del details["consent"]
    return details


def add(delegation: Delegation, email: str = "", *, is_head: bool = False, **overrides) -> Registration:
    return services.add_member(delegation, details=member_details(email, **overrides), language="en", is_head=is_head)
