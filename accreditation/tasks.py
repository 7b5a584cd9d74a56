from celery import shared_task

from accreditation import held


@shared_task
def sweep_held_documents() -> int:
    return held.sweep()
