from pathlib import Path

from django.core.management.base import BaseCommand

from backoffice.backups import back_up


class Command(BaseCommand):
    help = "Back up the database and the private documents into a new folder under DIRECTORY (see README)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options) -> None:
        folder = back_up(directory)
        self.stdout.write(f"backup written to {folder}")
