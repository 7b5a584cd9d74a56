"""How much a request may send: refused by its declared length before a byte is read, and each
file stored only up to the largest size any form accepts.

Public forms take at most three documents of 5, 5 and 3 MB; the admin takes outcome
documents of up to 20 MB. A post declaring more than its part of the site accepts in all is
answered at once (413), unread. Within that, a file past the per-file limit stops being
stored: the form receives an `OversizedUpload` that knows only its size, and says beside
the field how large it was and what the limit is.
"""

from dataclasses import dataclass
from io import BytesIO

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    body: int
    file: int


PUBLIC = Limits(body=16 * MB, file=5 * MB)
ADMIN = Limits(body=24 * MB, file=20 * MB)


def limits_for(path: str) -> Limits:
    return ADMIN if path.startswith("/admin/") else PUBLIC


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def request_body_limit_middleware(get_response):
    """Before the CSRF check or any form reads the body: too large a post is not read at all."""

    def middleware(request: HttpRequest) -> HttpResponse:
        limit = limits_for(request.path_info).body
        if declared_length(request) > limit:
            return render(request, "413.html", {"limit": filesizeformat(limit)}, status=413)
        return get_response(request)

    return middleware


class OversizedUpload(UploadedFile):
    """A file that went past the per-file limit: its name and size, none of its bytes."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(BytesIO(), name=name, content_type=content_type, size=size, charset=charset)


class CappedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes a file's bytes on to Django's own handlers up to the limit."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = limits_for(self.request.path_info).file if self.request else PUBLIC.file

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        return raw_data if self.received <= self.limit else None  # None: the others store no more

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > self.limit:
            return OversizedUpload(self.file_name, self.content_type, self.received, self.charset)
        return None  # within the limit: Django's handlers deliver the file
