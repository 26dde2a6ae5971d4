"""The WSGI entry point gunicorn loads: it warms a worker up on import and then serves."""

import gc
import importlib
import io
import sys
import weakref

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import clear_url_caches, get_resolver

import config
from core.warm import YOUNG_THRESHOLD, collect_young


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_wsgi_application_serves_after_warming_up(db):
    sys.modules.pop("config.wsgi", None)
    if hasattr(config, "wsgi"):
        delattr(config, "wsgi")
    clear_url_caches()
    assert "url_patterns" not in get_resolver().__dict__
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        wsgi = importlib.import_module("config.wsgi")
        # The startup heap (Django, the apps, every view) is out of the collector's way.
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        # A request's reference cycles are freed when its response is closed, not left to
        # pile up for a full collection during a later request.
        gc.collect()
        garbage = Cycle()
        alive = weakref.ref(garbage)
        del garbage
        assert alive() is not None  # only the collector frees a cycle
        request_finished.send(sender=None)
        assert alive() is None
    finally:
        gc.unfreeze()  # the test process goes on collecting as before
        gc.set_threshold(*thresholds)
        request_finished.disconnect(collect_young, dispatch_uid="core.warm.collect_young")

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
