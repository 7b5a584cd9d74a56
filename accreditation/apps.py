from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self) -> None:
        from accreditation import erasure, mail
        from outbox import kinds
        from registration.erasure import register

        kinds.register(mail.MediaEmailKind.choices, mail.write, written_at_once=mail.WRITTEN_AT_ONCE)
        register(erasure.forget, count_documents=erasure.count_documents)
