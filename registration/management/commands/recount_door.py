from django.core.management.base import BaseCommand, CommandError

from agenda.models import Conference
from registration.models import DoorCount


class Command(BaseCommand):
    help = (
        "Count again, from the registrations, how many people the door expects and how many are checked in: "
        "after a change made outside the site (SQL, a restored table). Safe while the doors are scanning."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", nargs="?", help="the conference's short name, e.g. wps-2023; default: every one")

    def handle(self, *args, slug: str | None, **options) -> None:
        conferences = Conference.objects.filter(slug=slug) if slug else Conference.objects.all()
        if slug and not conferences.exists():
            raise CommandError(f"No conference has the short name {slug!r}.")
        for conference in conferences.order_by("pk"):
            kept = DoorCount.objects.filter(conference=conference).values("checked_in", "expected").first()
            counted = DoorCount.objects.recount(conference.pk)
            self.stdout.write(
                f"{conference.slug}: {counted['checked_in']} checked in of {counted['expected']} expected "
                f"(kept: {kept or 'none yet'})."
            )
