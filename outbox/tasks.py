from celery import shared_task

from outbox import delivery


# No Celery retry: an email to try again has its `next_attempt_at`, which the sweep honours.
@shared_task(acks_late=True)
def send_email(email_id: int) -> None:
    next_email_id = delivery.deliver(email_id)
    if next_email_id is not None:
        send_email.delay(next_email_id)  # the person's next email, which waited for this one


@shared_task(acks_late=True)
def requeue_unsent_emails() -> int:
    ids = delivery.emails_to_send_again()
    for email_id in ids:
        send_email.delay(email_id)
    return len(ids)
