import os

from django.core.wsgi import get_wsgi_application

from core.warm import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
warm_up()  # every view imported, then the startup heap frozen out of the collector's way
