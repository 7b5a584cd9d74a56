# syntax=docker/dockerfile:1
# The wpsconf web app: gunicorn by default; docker-compose.yml runs the same image
# as the Celery worker and beat with another command.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so editing the source does not reinstall them. The project
# declares no packages of its own (`packages = []`): `pip install .` installs its
# runtime dependencies (not the dev extra); the code itself runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Static files are collected into the image and served by WhiteNoise. The settings
# refuse to load with DEBUG off and no strong SECRET_KEY, so this one RUN makes up a throwaway
# key inline; it is not stored in the image's environment.
RUN DEBUG=off SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
      python manage.py collectstatic --noinput \
    && groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home app \
    && mkdir -p /app/var /data/media /data/private \
    && chown -R app:app /app/var /data

# The code stays root-owned and read-only for the app; it writes only under var/
# (the SQLite/mail fallbacks) and /data (MEDIA_ROOT, PRIVATE_MEDIA_ROOT in compose).
USER app

EXPOSE 8000

CMD ["gunicorn", "wpsconf.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
