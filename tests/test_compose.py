"""The container stack, checked without a Docker engine: docker-compose.yml, Dockerfile, .env.example."""

import json
import re
import shlex
import tomllib
from functools import cache
from pathlib import Path

import jsonschema
import yaml

PROJECT = Path(__file__).resolve().parents[1]
# Vendored with its licence (vendor/compose-spec/README.md), so this test runs in a fresh clone.
COMPOSE_SCHEMA = PROJECT / "vendor" / "compose-spec" / "compose-spec.json"
APP_SERVICES = ("web", "worker", "beat")

# CONTRACT.md, "Configuration (environment variables)".
CONTRACT_VARIABLES = {
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
    "MEDIA_ROOT",
    "PRIVATE_MEDIA_ROOT",
    "HTTPS",
    "TRUSTED_PROXIES",
    "STAFF_2FA",
    "STAFF_IDLE_MINUTES",
}

SETTINGS_READ = re.compile(
    r"""(?:os\.environ\.get\(|os\.environ\[|os\.getenv\(|env_\w+\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)


@cache
def compose() -> dict:
    return yaml.safe_load((PROJECT / "docker-compose.yml").read_text(encoding="utf-8"))


def service(name: str) -> dict:
    return compose()["services"][name]


def command_text(name: str) -> str:
    command = service(name)["command"]
    return command if isinstance(command, str) else shlex.join(command)


def settings_variables() -> set[str]:
    return set(SETTINGS_READ.findall((PROJECT / "wpsconf" / "settings.py").read_text(encoding="utf-8")))


def env_example_variables() -> set[str]:
    text = (PROJECT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = (PROJECT / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    pairs = []
    for line in logical.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            pairs.append((instruction.upper(), arguments.strip()))
    return pairs


def test_it_validates_against_the_compose_specification():
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)

    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(compose())
    ]

    assert errors == []
    assert "version" not in compose()


def test_it_runs_the_six_services_of_the_full_stack():
    assert set(compose()["services"]) == {"db", "redis", "web", "worker", "beat", "mailpit"}
    assert service("db")["image"].startswith("postgres:16")
    assert service("redis")["image"].startswith("redis:7")
    assert service("mailpit")["image"].startswith("axllent/mailpit")
    # Every email, personal links included, readable without a password: on this machine only.
    assert service("mailpit")["ports"] == ["127.0.0.1:8025:8025"]
    # Reached through the network's gateway, whose X-Forwarded-For is believed: this machine only.
    assert service("web")["ports"] == ["127.0.0.1:8000:8000"]


def test_it_keeps_the_database_in_a_named_volume_and_checks_its_health():
    db = service("db")
    volume, _, target = db["volumes"][0].partition(":")

    assert target == "/var/lib/postgresql/data"
    assert volume in compose()["volumes"]
    assert "pg_isready" in shlex.join(db["healthcheck"]["test"])
    assert db["environment"]["POSTGRES_DB"] == "wpsconf"
    assert db["environment"]["POSTGRES_USER"] == "wpsconf"


def test_it_checks_redis_health_before_starting_the_app():
    assert "redis-cli ping" in shlex.join(service("redis")["healthcheck"]["test"])
    for name in APP_SERVICES:
        assert service(name)["depends_on"]["redis"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert service(name)["depends_on"]["db"]["condition"] == "service_healthy"


def test_it_migrates_and_seeds_before_starting_gunicorn():
    command = command_text("web")
    migrate = command.index("manage.py migrate --noinput")
    seed = command.index("manage.py seed")
    gunicorn = command.index("gunicorn wpsconf.wsgi:application")

    assert migrate < seed < gunicorn
    # Chained with &&: a failed migration or seed stops the start-up instead of serving.
    assert "&&" in command[migrate:seed]
    assert "&&" in command[seed:gunicorn]
    assert "--bind 0.0.0.0:8000" in command[gunicorn:]


def test_it_probes_the_web_healthz_endpoint():
    probe = shlex.join(service("web")["healthcheck"]["test"])

    assert "urllib" in probe
    assert "http://127.0.0.1:8000/healthz" in probe


def test_it_runs_celery_worker_and_beat_from_the_wpsconf_app():
    assert command_text("worker").startswith("celery -A wpsconf worker")
    assert command_text("beat").startswith("celery -A wpsconf beat")


def test_it_builds_one_image_for_web_worker_and_beat():
    images = {service(name)["image"] for name in APP_SERVICES}
    builds = {service(name)["build"] for name in APP_SERVICES}

    assert images == {"wpsconf:latest"}
    assert builds == {"."}


def test_it_shares_one_environment_between_web_worker_and_beat():
    environments = [service(name)["environment"] for name in APP_SERVICES]

    assert environments[0] == environments[1] == environments[2] == compose()["x-app-environment"]
    assert environments[0]["DATABASE_URL"].endswith("@db:5432/wpsconf")
    assert environments[0]["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    # Mailpit unless .env names a mail server.
    assert environments[0]["EMAIL_HOST"] == "${EMAIL_HOST:-mailpit}"
    assert environments[0]["EMAIL_PORT"] == "${EMAIL_PORT:-1025}"
    subnet = compose()["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert environments[0]["TRUSTED_PROXIES"] == f"${{TRUSTED_PROXIES:-{subnet}}}"
    for name in APP_SERVICES:
        assert service(name)["env_file"] == [{"path": ".env", "required": False}]


def test_it_refuses_to_start_without_a_secret_key():
    assert compose()["x-app-environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")


def test_it_sets_only_environment_variables_that_settings_read():
    unread = set(compose()["x-app-environment"]) - settings_variables()

    assert unread == set()


def test_it_reads_and_documents_every_contract_configuration_variable():
    assert CONTRACT_VARIABLES - settings_variables() == set()
    assert (CONTRACT_VARIABLES | {"POSTGRES_PASSWORD"}) - env_example_variables() == set()


def test_it_serves_the_wsgi_app_with_gunicorn_from_the_image():
    instructions = dockerfile_instructions()
    cmd = [arguments for instruction, arguments in instructions if instruction == "CMD"][-1]
    argv = json.loads(cmd)
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = {
        re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0].lower()
        for requirement in pyproject["project"]["dependencies"]
    }

    assert argv[0] == "gunicorn"
    assert "wpsconf.wsgi:application" in argv
    assert "gunicorn" in dependencies
    assert ("EXPOSE", "8000") in instructions


def test_it_runs_the_image_as_a_non_root_user_without_a_baked_in_secret():
    instructions = dockerfile_instructions()
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    env = " ".join(arguments for instruction, arguments in instructions if instruction in {"ENV", "ARG"})
    collectstatic = [arguments for instruction, arguments in instructions if "collectstatic" in arguments]

    assert users
    assert users[-1] not in {"root", "0"}
    assert "SECRET_KEY" not in env
    assert collectstatic
    assert "SECRET_KEY=" in collectstatic[0]
