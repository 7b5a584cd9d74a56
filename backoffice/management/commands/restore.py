from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backoffice.backups import MANIFEST, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by `backup` into the configured database and private "
        "documents folder, replacing what is there. Stop the web, worker and beat processes first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask: what is there now is replaced")

    def handle(self, *args, folder: Path, yes: bool, **options) -> None:
        if not (folder / MANIFEST).exists():
            raise CommandError(f"{folder} is not a backup folder (no manifest.json)")
        if not yes and input("This replaces the current database and documents. Type 'yes' to go on: ") != "yes":
            raise CommandError("nothing restored")
        manifest = restore(folder, database=settings.DATABASES["default"], private_root=settings.PRIVATE_MEDIA_ROOT)
        self.stdout.write(f"restored the backup of {manifest['made_at']}: {manifest['counts']}")
