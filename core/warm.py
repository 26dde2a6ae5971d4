"""What a web process does once, before its first request (config/wsgi.py; the scale benchmark's
measured process does the same, as a server would)."""

import gc

from django.core.signals import request_finished

# Container allocations (net of frees) between two collections of the youngest generation; the
# default is 700 (decision 0025).
YOUNG_THRESHOLD = 10_000


def warm_up() -> None:
    """Do now what Django otherwise does on a worker's first requests: import every view
    (the URLconf), the cache's client library and the base template. A new worker then answers
    its first request as fast as its hundredth, which matters when a deploy or a restarted
    worker meets a room entering an attendance code (bench/bench_attendance_burst.py).
    Nothing here opens a connection. Then `settle_heap` and `collect_between_requests`."""
    from django.core.cache import cache
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports the views)
    getattr(cache, "_cache", None)  # Redis: builds the client (no connection until first use)
    get_template("base.html")
    settle_heap()
    collect_between_requests()


def settle_heap() -> None:
    """Move every object alive now (Django, the apps, their views: about 200,000) into the
    garbage collector's permanent generation (`gc.freeze`), where no collection walks them. A
    full collection otherwise visits them all, about 140 ms on the benchmark host, and lands on
    whichever request made it due: the module results page, which builds thousands of objects,
    had a p95 twice its median (decision 0022). Objects made afterwards are collected as ever;
    under gunicorn's preload the frozen pages are also never copied by a worker's collector."""
    gc.collect()
    gc.freeze()


def collect_between_requests() -> None:
    """Free each request's reference cycles when it ends, while they are young, so that they
    never pile up in the oldest generation (decision 0025). A list page leaves about 3,000
    objects in cycles (forms and their bound fields, tracebacks of exceptions caught); with the
    default thresholds, collections during the request promote them, and every thirty requests
    or so a full collection frees the pile: 30-60 ms on whichever request made it due. Here the
    youngest generation waits for 10,000 allocations (most requests finish before one), and
    the young generations are collected when the response is closed, which gunicorn does after
    the last byte is written. Full collections then come only as long-lived objects grow."""
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    request_finished.connect(collect_young, dispatch_uid="core.warm.collect_young")


def collect_young(**kwargs) -> None:
    gc.collect(1)
