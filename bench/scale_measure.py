"""The scale benchmark's measurements, in one process per data size and round (bench/bench_scale.py
runs them): server time of every page through Django's test Client (the page cache emptied before each
request: the real work), the queries of each page EXPLAINed, the nightly batch's selection, and
every CSV export's time and peak memory growth. Results (each page's samples) go to a JSON file
for the parent, which pools a size's rounds."""

import json
import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

LARGE_TABLE = 10_000  # rows: a sequential scan over a bigger table is reported
SLOW_MS = 1000  # a page slower than this on its warm-up gets 5 samples, not SAMPLES
# A person looked up by the start of their address: one person at both sizes ("person4242" also
# matches person42420–42429 at the full size, a page of eleven people's rows against one).
SEARCH = "person4242@"


def rss_kb(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


class Meter:
    def __init__(self, samples: int) -> None:
        from django.core.cache import caches
        from django.db import connection

        self.samples, self.cache, self.connection = samples, caches["default"], connection
        self.results: dict[str, dict] = {}
        self.sizes = self._table_sizes()
        self.explained: dict[str, list] = {}
        self.pending: dict[str, tuple[Callable[[], tuple[float, object]], int]] = {}

    def _table_sizes(self) -> dict[str, int]:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
            return dict(cursor.fetchall())

    def page(self, name: str, group: str, client, url: str) -> None:
        """A page's first request (its queries captured and EXPLAINed); its samples are taken
        later, by `sample_pages`, in passes over every page."""
        from django.db import reset_queries
        from django.test.utils import CaptureQueriesContext

        def once():
            self.cache.clear()  # page cache off: every request is rendered from the database
            start = time.perf_counter()
            response = client.get(url)
            return (time.perf_counter() - start) * 1000, response

        try:
            reset_queries()  # the test Client clears the log at each request; start it empty
            with CaptureQueriesContext(self.connection) as captured:
                first, response = once()
            queries = [q["sql"] for q in captured.captured_queries]  # read before the log is cleared
        except Exception as exc:  # noqa: BLE001 (a 500 is a finding, not the end of the run)
            self.results[name] = {"group": group, "url": url, "error": f"{type(exc).__name__}: {exc}"[:300]}
            return
        self.results[name] = {
            "group": group, "url": url, "status": response.status_code, "samples": [],
            "queries": len(queries), "seq_scans": self.seq_scans(queries),
        }  # fmt: skip
        self.pending[name] = (once, self.samples if first < SLOW_MS else 5)

    def sample_pages(self) -> None:
        """Every page's samples, one request of each page a pass: a slow second of a shared host
        then costs one sample of many pages, not many samples of one (decision 0026)."""
        for number in range(self.samples):
            for name, (once, wanted) in list(self.pending.items()):
                if number >= wanted:
                    continue
                try:
                    self.results[name]["samples"].append(once()[0])
                except Exception as exc:  # noqa: BLE001 (as on the first request)
                    self.results[name]["error"] = f"{type(exc).__name__}: {exc}"[:300]
                    del self.pending[name]

    def timed(self, name: str, group: str, work: Callable[[], object], samples: int | None = None) -> None:
        work()
        samples_ms = []
        for _ in range(samples or self.samples):
            start = time.perf_counter()
            work()
            samples_ms.append((time.perf_counter() - start) * 1000)
        self.results[name] = {"group": group, "status": 200, "samples": samples_ms, "seq_scans": []}  # fmt: skip

    def seq_scans(self, queries) -> list[list[str]]:
        """[table, rows, query] for each sequential scan over a large table in the plans."""
        found = []
        for sql in queries:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            if sql not in self.explained:
                self.explained[sql] = []
                try:
                    with self.connection.cursor() as cursor:
                        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                        plan = cursor.fetchone()[0]
                except Exception:  # noqa: BLE001, S112 (a query EXPLAIN cannot take is skipped)
                    continue
                stack = [plan[0]["Plan"]]
                while stack:
                    node = stack.pop()
                    stack.extend(node.get("Plans", []))
                    table = node.get("Relation Name", "")
                    if node["Node Type"] == "Seq Scan" and self.sizes.get(table, 0) > LARGE_TABLE:
                        self.explained[sql].append([table, self.sizes[table], sql[:600]])
            found.extend(self.explained[sql])
        return found

    def export(self, name: str, client, url: str, data: dict | None) -> None:
        """A CSV download read to its end (and thrown away): time, and the peak RSS above the
        RSS before it (the kernel's high-water mark, reset first)."""
        import gc

        gc.collect()
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        before = rss_kb("VmRSS")
        start = time.perf_counter()
        response = client.post(url, data) if data is not None else client.get(url)
        size = (
            sum(len(chunk) for chunk in response.streaming_content)
            if response.streaming
            else len(response.content)
        )
        seconds = time.perf_counter() - start
        growth = (rss_kb("VmHWM") - before) / 1024
        self.results[name] = {"group": "export", "url": url, "status": response.status_code, "seconds": seconds,
                              "growth_mb": growth, "bytes": size, "seq_scans": []}  # fmt: skip


def worker_publishes_feed(meter: Meter) -> None:
    """What a worker does after the schedule changes (and nightly): the public calendar feed,
    rendered and stored (decision 0018). Timed as worker work (no page target); the data was
    loaded with COPY, which sends no signals, so this also publishes the feed the page serves."""
    from practicums.services.public_feed import public_feed_publish

    meter.timed("worker: publish the public calendar feed", "worker", public_feed_publish)


def participant_pages(meter: Meter, generated) -> None:
    from django.test import Client

    from accounts.models import User

    clients = []
    for uid in generated.sample_people:
        client = Client()
        client.force_login(User.objects.get(pk=uid))
        clients.append((uid, client))
    uid, client = clients[0]
    module = generated.modules[uid]
    for path in (
        "/me/",
        f"/modules/{module}/",
        "/me/record/",
        "/me/certificates/",
        "/me/ce/",
        "/attendance/",
    ):
        meter.page(f"participant {path.replace(str(module), '<pk>')}", "participant", client, path)
    token_owner = next(iter(generated.share_tokens))
    anonymous = Client()
    meter.page(
        "public /records/<token>/", "public", anonymous, f"/records/{generated.share_tokens[token_owner]}/"
    )
    meter.page("public /verify/<code>/", "public", anonymous, f"/verify/{generated.certificate_codes[3]}/")
    meter.page("public /practicums/calendar.ics", "public", anonymous, "/practicums/calendar.ics")
    meter.page(
        "public /me/calendar.ics?token=",
        "public",
        anonymous,
        f"/me/calendar.ics?token={generated.calendar_tokens[uid]}",
    )
    today = date.today()
    filters = [{}, {"kind": "practicum"}, {"kind": "live_set"}, {"kind": "ce_event"}, {"format": "virtual"},
               {"format": "in_person"}, {"month": f"{today:%Y-%m}"}, {"location": "virtual"}, {"location": "Denver, CO"},
               {"program": "scale-cert"}, {"program": "scale-series-a"}, {"program": "scale-series-b"}]  # fmt: skip
    for query in filters:
        suffix = f"?{urlencode(query)}" if query else ""
        meter.page(f"public /practicums/{suffix}", "public", anonymous, f"/practicums/{suffix}")


def staff_client():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    from accounts.models import User

    staff = User.objects.filter(email="scale-admin@example.org").first()  # a later round: the same
    if staff is None:
        staff = User.objects.create_superuser(
            email="scale-admin@example.org", password=None, full_name="Scale Admin"
        )
        TOTP.activate(staff, generate_totp_secret())
    client = Client()
    client.force_login(staff)
    return staff, client


def admin_pages(meter: Meter, staff, client, *, max_values: int) -> None:
    """Every changelist, with a search and each filter's values (up to `max_values` each), and
    one change page per model."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse

    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        try:
            url = reverse(f"admin:{label}_changelist")
        except NoReverseMatch:
            continue
        meter.page(f"admin {label} list", "admin", client, url)
        if model_admin.search_fields:
            meter.page(f"admin {label} search", "admin", client, f"{url}?q={SEARCH}")
        request = RequestFactory().get(url)
        request.user = staff
        try:
            changelist = model_admin.get_changelist_instance(request)
            specs = changelist.filter_specs
        except Exception as exc:  # noqa: BLE001 (reported as the list page's own error)
            meter.results[f"admin {label} filters"] = {"group": "admin", "url": url, "error": str(exc)[:300]}
            specs = []
        for spec in specs:
            choices = [c for c in spec.choices(changelist) if not c.get("selected")][:max_values]
            for choice in choices:
                query = choice["query_string"]
                meter.page(f"admin {label} filter {query}", "admin", client, f"{url}{query}")
        pk = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        if pk is not None:
            meter.page(f"admin {label} change", "admin", client, reverse(f"admin:{label}_change", args=[pk]))


def admin_views(meter: Meter, client) -> None:
    from django.urls import reverse

    from modules.models import Module
    from practicums.models import Practicum

    busiest = Practicum.objects.filter(kind="practicum").order_by("pk").values_list("pk", flat=True).first()
    module = Module.objects.order_by("pk").values_list("pk", flat=True).first()
    meter.page("admin certificates console", "admin", client, reverse("admin:certificates_console"))
    meter.page(
        "admin module results", "admin", client, reverse("admin:modules_module_results", args=[module])
    )
    meter.page(
        "admin practicum sheet", "admin", client, reverse("admin:practicums_practicum_sheet", args=[busiest])
    )
    meter.page("admin practicum attendance", "admin", client,
               reverse("admin:practicums_practicum_attendance", args=[busiest]))  # fmt: skip
    program_dashboards(meter, client)


def program_dashboards(meter: Meter, client) -> None:
    """Issue #20: each program's dashboard for the default 90 days and the school year, as the
    page serves it (the figures the worker keeps, decision 0024), and the worker's computation
    of them (timed as worker work, 3 samples: about a second each at full size); each program's
    lists of people who need a nudge."""
    from django.urls import reverse
    from django.utils import timezone

    from insight.nudges import reasons_for
    from insight.snapshots import dashboard_compute
    from programs.models import Program

    for program in Program.objects.order_by("pk"):
        for choice, label in (("90d", ""), ("year", " school year")):
            meter.timed(f"worker: compute the {program.slug} dashboard{label}", "worker",
                        lambda p=program, c=choice: dashboard_compute(p, c, now=timezone.now()), samples=3)  # fmt: skip
        url = reverse("admin:programs_program_dashboard", args=[program.pk])
        meter.page(f"admin dashboard {program.slug}", "admin", client, url)
        meter.page(f"admin dashboard {program.slug} school year", "admin", client, f"{url}?period=year")
        for reason in reasons_for(program):
            path = reverse("admin:programs_program_nudges", args=[program.pk, reason.value])
            meter.page(f"admin nudges {program.slug} {reason.value}", "admin", client, path)


def csv_exports(meter: Meter, client) -> None:
    """Last in a round: each reads hundreds of thousands of rows for a minute or more, and the
    pages measured right after one were slower for it at full size only."""
    from django.urls import reverse

    from modules.models import Module

    module = Module.objects.order_by("pk").values_list("pk", flat=True).first()
    everything = {"select_across": "1", "index": "0", "_selected_action": ["1"]}
    for name, label, action in (("enrollments", "programs_enrollment", "export_csv"),
                                ("practicum rosters", "practicums_practicum", "export_roster_csv"),
                                ("credential holders", "recertification_credential", "export_csv")):  # fmt: skip
        meter.export(
            f"export {name} (all rows)",
            client,
            reverse(f"admin:{label}_changelist"),
            {**everything, "action": action},
        )
    url = reverse("admin:modules_module_results", args=[module])
    meter.export("export module results", client, f"{url}?format=csv", None)


def nightly_selection(meter: Meter, generated) -> None:
    from django.db import transaction

    from certificates.services import batch_start

    def select():
        with transaction.atomic():
            _, people = batch_start(run_for=generated.run_for, triggered_by="bench")
            assert len(people) == generated.due_people, (len(people), generated.due_people)
            transaction.set_rollback(True)

    meter.timed(f"nightly batch selection ({generated.due_people} due)", "batch", select)


def generate_data(*, scale: float, out: Path) -> None:
    """Runs in a child process with DATABASE_URL pointing at a fresh, migrated database; what
    the measurement needs of it (sample people, tokens…) is pickled to `out`."""
    import pickle

    import django

    from bench.scale_data import generate

    django.setup()
    generated = generate(dsn=os.environ["DATABASE_URL"], scale=scale)
    print(f"  generated scale {scale:g} in {generated.seconds:.0f} s: "
          + ", ".join(f"{t} {c:,}" for t, c in generated.counts.items() if c >= 1000), flush=True)  # fmt: skip
    out.write_bytes(pickle.dumps(generated))


def measure(
    *, scale: float, generated_path: Path, samples: int, max_values: int, exports: bool, out: Path
) -> None:
    """One round at one size, in a child process of its own (bench/bench_scale.py alternates the
    sizes' rounds); the CSV exports when `exports` (the first round: their memory is measured
    from this process's own baseline)."""
    import pickle

    import django
    from django.test.utils import override_settings

    django.setup()
    from core.warm import warm_up

    warm_up()  # as config/wsgi.py does in every web process: views imported, startup heap frozen
    started = time.perf_counter()
    generated = pickle.loads(generated_path.read_bytes())  # noqa: S301 (written by this run's own child)
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        meter = Meter(samples)
        worker_publishes_feed(meter)
        participant_pages(meter, generated)
        nightly_selection(meter, generated)
        staff, client = staff_client()
        admin_views(meter, client)
        admin_pages(meter, staff, client, max_values=max_values)
        meter.sample_pages()
        if exports:
            csv_exports(meter, client)
    out.write_text(json.dumps({"scale": scale, "generation_s": generated.seconds, "counts": generated.counts,
                               "measure_s": time.perf_counter() - started, "results": meter.results}))  # fmt: skip
