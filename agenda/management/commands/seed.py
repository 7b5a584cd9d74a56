from django.core.management.base import BaseCommand

from agenda.models import Conference
from agenda.seed import CONFERENCE, seed_conference_2023


class Command(BaseCommand):
    help = "Create or refresh the 2023 conference and its draft programme. Running it twice changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Only create the 2023 conference if it does not exist: never undo organisers' edits "
            "(what `make run` and `docker compose up` use at every start).",
        )

    def handle(self, *args, if_missing: bool = False, **options) -> None:
        if if_missing and Conference.objects.filter(slug=CONFERENCE["slug"]).exists():
            self.stdout.write("2023 conference present; left as the organisers keep it.")
            return
        report = seed_conference_2023()
        self.stdout.write(self.style.SUCCESS(f"2023 conference seeded: {report}."))
