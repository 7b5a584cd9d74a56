"""People for tests, made through the real services: registrants by status, staff by role."""

from agenda.models import Conference
from registration import services
from registration.models import Registration
from tests.conftest import registration_details


def register(conference: Conference, email: str = "aigerim@example.org", **overrides) -> Registration:
    """A registrant as the form would create them (a parliamentarian unless told otherwise)."""
    details = registration_details(email=email, **overrides)
    del details["consent"]
    return services.register_attendee(conference=conference, details=details, language="en").registration


def confirmed(conference: Conference, email: str = "aigerim@example.org", **overrides) -> Registration:
    registration = register(conference, email, **overrides)
    if registration.status == Registration.Status.PENDING:
        registration = services.approve_registration(registration)
    return registration


def details_form(**overrides) -> dict:
    """What the personal page posts: every field a registrant could ever edit there."""
    return {name: value for name, value in registration_details(**overrides).items() if name not in NOT_ON_THE_PAGE}


NOT_ON_THE_PAGE = ("category", "email", "consent")
