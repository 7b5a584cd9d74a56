"""The floor for bench/pages.py: a bare Django project, settings, URLs and view in one module.

What `django-admin startproject` generates (its apps and its MIDDLEWARE list), a view that
answers a small HttpResponse, and nothing of the product: the least a Django page can cost
on this machine, served by the same interpreter under the same gunicorn as the product.

    DJANGO_SETTINGS_MODULE=bench.floor gunicorn 'django.core.wsgi:get_wsgi_application()'
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

SECRET_KEY = "bench-floor-only-not-a-secret-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = __name__
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# Never queried: the view reads no session and no user.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
STATIC_URL = "static/"


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, floor.", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello), path("healthz", hello)]
