from celery import shared_task

from delegations import services


@shared_task(acks_late=True)
def answer_link_request(link_request_id: int) -> None:
    services.answer_link_request(link_request_id)


@shared_task(acks_late=True)
def answer_waiting_link_requests() -> int:
    return services.answer_waiting_link_requests()
