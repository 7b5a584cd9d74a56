from celery import shared_task

from registration import badges, services


@shared_task(acks_late=True)
def print_badge_sheet(sheet_id: int, registration_ids: list[int], notify: bool = True) -> None:
    badges.print_sheet(sheet_id, registration_ids, notify=notify)


@shared_task(acks_late=True)
def send_reminders() -> int:
    return services.send_reminders()


@shared_task(acks_late=True)
def answer_link_request(link_request_id: int) -> None:
    services.answer_link_request(link_request_id)


@shared_task(acks_late=True)
def answer_waiting_link_requests() -> int:
    return services.answer_waiting_link_requests()
