"""The web's half of the focal points' "Lost your link?": a row written whatever the address, answered by a worker."""

from django.db import transaction

from agenda.models import Conference
from delegations.models import FocalPointLinkRequest
from delegations.tasks import answer_link_request


def request_link(*, conference: Conference, email: str) -> FocalPointLinkRequest:
    """The same work whatever the address (`services.answer_link_request` does the rest)."""
    link_request = FocalPointLinkRequest.objects.create(conference=conference, email=email.strip())
    # robust: with the broker down the request waits for the sweep (`answer_waiting_link_requests`).
    transaction.on_commit(lambda: answer_link_request.delay(link_request.pk), robust=True)
    return link_request
