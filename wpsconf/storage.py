"""Where press cards, letters, photos and badge sheets live: a folder no URL reaches (PRIVATE_MEDIA_ROOT)."""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible(path="wpsconf.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, read back only through views that check permissions."""

    def __init__(self) -> None:
        # Readable by the application's own user only, not by others on the host.
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @cached_property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    def _clear_cached_properties(self, setting, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError("Private documents have no URL; staff open them through views that check permissions.")


private_storage = PrivateStorage()


def random_name(folder: str, filename: str) -> str:
    """A name nobody can guess, keeping only the extension the content was checked to have."""
    return f"{folder}/{secrets.token_urlsafe(24)}{PurePosixPath(filename).suffix.lower()}"
