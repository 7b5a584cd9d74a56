from celery import shared_task

from registration import badges, mail, services


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_email(self, email_id: int) -> None:
    retry_in = mail.deliver(email_id)
    # In-process (eager) runs have no broker to wait on: the beat sweep retries instead.
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)


@shared_task(acks_late=True)
def requeue_unsent_emails() -> int:
    return mail.requeue_due_emails()


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
