import os

from django.core.wsgi import get_wsgi_application

from wpsconf.celery import refuse_tasks_in_the_web_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsconf.settings")

application = get_wsgi_application()
refuse_tasks_in_the_web_process()
