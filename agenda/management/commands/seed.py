from django.core.management.base import BaseCommand

from agenda.seed import seed_conference_2023


class Command(BaseCommand):
    help = "Create or refresh the 2023 conference and its draft programme. Running it twice changes nothing."

    def handle(self, *args, **options) -> None:
        report = seed_conference_2023()
        self.stdout.write(self.style.SUCCESS(f"2023 conference seeded: {report}."))
