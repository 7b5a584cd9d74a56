"""Settings for bench/register_burst.py only: the product's settings, minus what would skew a load test.

Never used by the product: gunicorn gets it through DJANGO_SETTINGS_MODULE=bench.bench_settings.
"""

import warnings

from wpsconf.settings import *  # noqa: F403

# 2,000 posts from one address in a few seconds are the point here, not an abuse.
REGISTRATION_RATE_LIMIT = "1000000/s"
# Each worker keeps its messages in memory; nothing piles up under var/mail/.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# `--broker none` measures tasks run inside each request, which the product refuses with DEBUG off.
TASKS_IN_THE_WEB_PROCESS = True
# The product's URLs plus /bench/insert/, the bare-insert baseline.
ROOT_URLCONF = "bench.urls"
# No collectstatic for a throw-away run: static URLs without the manifest (a dict lookup either way).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# STATIC_ROOT stays empty in a bench run; WhiteNoise's warning about it would only be noise.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
