"""The definition of done, checked by the suite itself: lint, format, migrations, no CDN."""

import ast
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_it_passes_ruff_check():
    result = run(sys.executable, "-m", "ruff", "check", ".")

    assert result.returncode == 0, result.stdout


def test_it_passes_ruff_format_check():
    result = run(sys.executable, "-m", "ruff", "format", "--check", ".")

    assert result.returncode == 0, result.stdout


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()


def test_it_keeps_each_app_on_one_linear_migration_history():
    for app in ("agenda", "registration", "accreditation"):
        folder = ROOT / app / "migrations"
        if not folder.exists():
            continue
        numbers = [int(path.name[:4]) for path in folder.glob("[0-9][0-9][0-9][0-9]_*.py")]
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), app


def test_it_loads_nothing_from_another_host():
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if external.search(path.read_text())
    ]

    assert offenders == []


# The apps, lowest first: each imports only those before it (README: How the code is laid out).
APP_ORDER = ["wpsconf", "outbox", "agenda", "registration", "accreditation", "delegations", "backoffice"]


def imported_modules(path: Path) -> set[str]:
    """The top-level packages a module imports, at any level (function-level imports count)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.add(node.module or "")
    return {name.split(".")[0] for name in names}


def imported_apps(path: Path) -> set[str]:
    return imported_modules(path) & set(APP_ORDER)


def test_apps_import_only_apps_below_them():
    upward = []
    for app in APP_ORDER:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            if "migrations" in path.parts:
                continue
            for other in imported_apps(path):
                if APP_ORDER.index(other) > APP_ORDER.index(app):
                    upward.append(f"{path.relative_to(ROOT)} imports {other}")
    assert upward == []


def test_benchmarks_never_import_the_tests():
    """A benchmark is a visitor of the running site: it shares bench/harness.py, not the test suite."""
    assert [path.name for path in sorted((ROOT / "bench").glob("*.py")) if "tests" in imported_modules(path)] == []
