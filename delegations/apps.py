from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = _("Delegations")

    def ready(self) -> None:
        from delegations import erasure, mail
        from delegations.badges import delegation_lines
        from outbox import kinds
        from registration.badges import register_badge_lines
        from registration.erasure import register

        kinds.register(mail.DelegationEmailKind.choices, mail.write)
        register(
            erasure.forget_members,
            count_documents=erasure.count_documents,
            forget_conference=erasure.forget_conference,
        )
        register_badge_lines(delegation_lines)
