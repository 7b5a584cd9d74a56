"""A first visit to any public page stays small: the HTML and every file it makes the browser fetch, compressed."""

import gzip
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

# Issue 15, target 5: the first visit of any public page, compressed. pretix's shop front is 264 kB.
LIMIT = 80_000
PAGES = ("/", "/agenda/", "/register/", "/accreditation/", "/privacy/", "/my/")
LANGUAGES = ("", "/ru", "/kk")


class Fetched(HTMLParser):
    """The addresses a browser fetches on loading the page: stylesheets, scripts, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").lower().split()
        if tag == "link" and ("stylesheet" in rel or "icon" in rel):
            self.urls.append(attributes["href"])
        elif tag in ("script", "img") and attributes.get("src"):
            self.urls.append(attributes["src"])


def compressed(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def served_file(url: str) -> bytes:
    """The file behind a static or media address of this site; nothing else is allowed (no CDN)."""
    parts = urlsplit(url)
    assert not parts.netloc, f"{url}: fetched from elsewhere"
    assert not parts.scheme, f"{url}: fetched from elsewhere"
    if parts.path.startswith(settings.STATIC_URL):
        found = finders.find(parts.path.removeprefix(settings.STATIC_URL))
        assert found, f"{url}: no such static file"
        return Path(found).read_bytes()
    assert parts.path.startswith(settings.MEDIA_URL), f"{url}: neither a static nor a media file"
    return (Path(settings.MEDIA_ROOT) / parts.path.removeprefix(settings.MEDIA_URL)).read_bytes()


def first_visit(client, path: str) -> dict[str, int]:
    """Compressed bytes of the page and of each file it references, by address."""
    response = client.get(path)
    assert response.status_code == 200, path
    parser = Fetched()
    parser.feed(response.content.decode())
    sizes = {path: compressed(response.content)}
    for url in parser.urls:
        if not url.startswith("data:"):  # inside the HTML already
            sizes[url] = compressed(served_file(url))
    return sizes


def test_every_public_page_weighs_at_most_80_kb_compressed_on_a_first_visit(client, registration_open):
    totals = {}
    for page in PAGES:
        for language in LANGUAGES:
            sizes = first_visit(client, language + page)
            assert len(sizes) > 3, f"{language + page}: the stylesheets and the script were not found"
            totals[language + page] = sum(sizes.values())
    heaviest = sorted(totals.items(), key=lambda item: -item[1])
    print("\n".join(f"{path:18} {total / 1000:6.1f} kB" for path, total in heaviest[:6]))
    assert heaviest[0][1] <= LIMIT, f"{heaviest[0][0]}: {heaviest[0][1] / 1000:.1f} kB compressed > {LIMIT / 1000} kB"


def test_the_weighing_counts_what_the_page_references():
    parser = Fetched()
    parser.feed(
        '<link rel="stylesheet" href="/static/a.css"><link rel="shortcut icon" href="/static/i.svg">'
        '<link rel="preconnect" href="/x"><script src="/static/b.js"></script><script>inline()</script>'
        '<img src="/media/p.jpg" alt=""><img alt="">'
    )
    assert parser.urls == ["/static/a.css", "/static/i.svg", "/static/b.js", "/media/p.jpg"]
    with pytest.raises(AssertionError, match="fetched from elsewhere"):
        served_file("https://cdn.example.org/bootstrap.css")
