from django.core.management.base import BaseCommand, CommandError

from agenda.models import Conference
from registration import erasure


class Command(BaseCommand):
    help = (
        "Replace the personal data of a finished conference's registrants with placeholders and delete "
        "their documents, keeping the participation figures."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="the conference's short name, e.g. wps-2023")
        parser.add_argument("--dry-run", action="store_true", help="say what would go, change nothing")

    def handle(self, *args, slug: str, dry_run: bool, **options) -> None:
        conference = Conference.objects.filter(slug=slug).first()
        if conference is None:
            raise CommandError(f"No conference has the short name {slug!r}.")
        if not conference.has_ended():
            raise CommandError(f"{slug} has not ended yet ({conference.ends_at:%Y-%m-%d %H:%M} UTC): nothing changed.")
        counts = erasure.anonymise_conference(conference, dry_run=dry_run)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(
            f"{slug}: {counts['registrations']} registrations {verb}, "
            f"{counts['documents']} documents and {counts['badge_sheets']} badge sheets "
            f"{'would be ' if dry_run else ''}deleted."
        )
