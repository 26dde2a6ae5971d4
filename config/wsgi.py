import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()


def _warm_up() -> None:
    """Do now what Django otherwise does on a worker's first requests: import every view
    (the URLconf), the cache's client library and the base template. A new worker then answers
    its first request as fast as its hundredth, which matters when a deploy or a restarted
    worker meets a room entering an attendance code (bench/bench_attendance_burst.py).
    Nothing here opens a connection."""
    from django.core.cache import cache
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports the views)
    getattr(cache, "_cache", None)  # Redis: builds the client (no connection until first use)
    get_template("base.html")


_warm_up()
