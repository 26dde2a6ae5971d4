"""The WSGI entry point gunicorn loads: it warms a worker up on import and then serves."""

import io
import sys

from django.urls import clear_url_caches, get_resolver


def test_wsgi_application_serves_after_warming_up(db):
    sys.modules.pop("config.wsgi", None)
    clear_url_caches()
    assert "url_patterns" not in get_resolver().__dict__
    from config import wsgi

    assert "url_patterns" in get_resolver().__dict__  # the views were imported on import, not on a request
    status = {}
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/robots.txt", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(),
    }  # fmt: skip
    body = b"".join(wsgi.application(environ, lambda s, h: status.update(line=s)))
    assert status["line"].startswith("200"), body
