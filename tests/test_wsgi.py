"""The WSGI entry point gunicorn loads: it warms a worker up on import and then serves."""

import gc
import importlib
import io
import sys

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import clear_url_caches, get_resolver

import config


def test_wsgi_application_serves_after_warming_up(db):
    sys.modules.pop("config.wsgi", None)
    if hasattr(config, "wsgi"):
        delattr(config, "wsgi")
    clear_url_caches()
    assert "url_patterns" not in get_resolver().__dict__
    gc.unfreeze()
    try:
        wsgi = importlib.import_module("config.wsgi")
        # The startup heap (Django, the apps, every view) is out of the collector's way.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # the test process goes on collecting as before

    assert "url_patterns" in get_resolver().__dict__  # the views were imported on import, not on a request
    status = {}
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/robots.txt", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(),
    }  # fmt: skip
    # As Django's test client does: the test's transaction keeps its connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = wsgi.application(environ, lambda s, h: status.update(line=s))
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert status["line"].startswith("200"), body
