"""The email outbox: a row written with the change that needs it, sent once by a Celery task.

Every app queues mail through one function, `outbox.services.queue_email(recipient, kind)`,
and registers the kinds it sends (`outbox.kinds.register`) with their label and how to
write them. The outbox imports no app of the project: its recipient model is named by
OUTBOX_RECIPIENT_MODEL.
"""
