"""The web's half of "Lost your link?": a row written whatever the address, answered by a worker.

The worker's half (`services.answer_link_request`) looks the address up and mails the link
within its hourly allowance; so the request costs the same for a registered address as
for any other, and its timing tells nothing.
"""

from django.db import transaction

from agenda.models import Conference
from registration.models import LinkRequest
from registration.tasks import answer_link_request


def request_link(*, conference: Conference, email: str) -> LinkRequest:
    """ "Lost your link?": the same work whatever the address, answered by a worker (`answer_link_request`)."""
    link_request = LinkRequest.objects.create(conference=conference, email=email.strip())
    # robust: with the broker down the request waits for the sweep (`answer_waiting_link_requests`).
    transaction.on_commit(lambda: answer_link_request.delay(link_request.pk), robust=True)
    return link_request
