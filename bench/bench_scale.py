"""Credo at scale (issue #19): four school years of a large organisation, generated with COPY
(bench/scale_data.py), then every page measured (bench/scale_measure.py) at BENCH_SCALE (1.0:
200,000 people, ~10 million rows) and at a tenth of it, each in a database created for the run.

Targets: every page p95 <= 150 ms at BENCH_SCALE, and p95 <= 30 ms or at most 1.5 x its p95 at
a tenth (judged per round, on the median over rounds);
every CSV export <= 50 MB memory growth at either size; no sequential scan over a table of more
than 10,000 rows in the plans of a measured page's queries (each is printed with its query).
Exits non-zero on any miss.

PostgreSQL runs durable: when DATABASE_URL's server has fsync off (scripts/services.sh's
throw-away server does), the bench starts its own with the settings below and stops it after.
Page cache off: the cache is emptied before every request, so each one is rendered from the
database. Both sizes are generated first, then measured in rounds that alternate them (a shared
host's slow minutes fall on both alike), each round in a fresh process. Server time through the
in-process test Client (no network, no WSGI server).

  BENCH_SCALE=1.0 (default)   BENCH_SCALE_QUICK=1: scale 0.02, 5 samples, 2 values per filter
  BENCH_SAMPLES=60            BENCH_FILTER_VALUES=6: values measured per admin filter
  BENCH_ROUNDS=3: measurement rounds, alternating the sizes (each page's samples split among them);
  a page's growth is the median over rounds of its p95 at full size over its p95 at a tenth.
  20 samples a round make a round's p95 fall between its two slowest samples (with 7 it was the
  slowest), taken in passes over every page so that a slow second of the host costs one sample
  of many pages, not a round of one (decision 0026).
Run: `make bench`, or this file with DATABASE_URL set (PostgreSQL).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._support import PYTHON, ROOT, percentile, scratch_database

# 2 cores and 24 GB shared by several people: a modest share of memory, SSD costs, room for WAL
# so that the load is not one checkpoint after another. fsync, synchronous_commit and
# full_page_writes on: durable, as in production.
DURABLE = ("-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=1GB -c work_mem=16MB "
           "-c maintenance_work_mem=256MB -c effective_cache_size=4GB -c random_page_cost=1.1 -c max_wal_size=4GB")  # fmt: skip
PAGE_P95_MS, RATIO, FLOOR_MS, EXPORT_MB = 150.0, 1.5, 30.0, 50.0


def server_settings(url: str) -> dict[str, str]:
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                       "('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', 'full_page_writes', "
                       "'effective_cache_size', 'random_page_cost', 'server_version')")  # fmt: skip
        values = dict(cursor.fetchall())
    connection.close()
    return values


def durable_server() -> tuple[str, str | None]:
    """DATABASE_URL if its server is durable, else a durable server of our own (and its dir)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL (make bench does).")
    if server_settings(url)["fsync"] == "on":
        return url, None
    env = {**os.environ, "CREDO_PG_OPTIONS": DURABLE}
    exports = subprocess.run(["scripts/services.sh", "start"], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
    values = dict(line.removeprefix("export ").split("=", 1) for line in exports.splitlines() if "=" in line)
    print("  (DATABASE_URL's server runs with fsync off: started a durable one for this bench)")
    return values["DATABASE_URL"], values["CREDO_SERVICES_DIR"]


def child(step: str, env: dict[str, str]) -> None:
    code = f"from pathlib import Path; from bench.scale_measure import generate_data, measure; {step}"
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True)


def run_sizes(scale: float, samples: int, max_values: int, rounds: int) -> tuple[dict, dict]:
    """Both sizes generated (each in a child process), then measured in `rounds` rounds that
    alternate tenth and full, each round a fresh process: a shared host's slow minutes fall on
    both sizes alike instead of on whichever ran then, and no measured process carries the
    generator's heap. Each page's samples are pooled over a size's rounds."""
    per_round = max(1, -(-samples // rounds))
    with (
        scratch_database("credo_bench_scale_tenth") as tenth_url,
        scratch_database("credo_bench_scale_full") as full_url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        sizes = {"tenth": (scale / 10, tenth_url), "full": (scale, full_url)}
        envs, rounds_of = {}, {"tenth": [], "full": []}
        for size, (size_scale, db_url) in sizes.items():
            env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # the cache is in-process
            env.update(DATABASE_URL=db_url, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="false",
                       DJANGO_ALLOWED_HOSTS="testserver", DJANGO_MEDIA_ROOT=str(Path(tmp) / size / "media"),
                       PYTHONPATH=str(ROOT))  # fmt: skip
            envs[size] = env
            child(
                f"generate_data(scale={size_scale!r}, out=Path({str(Path(tmp) / size)!r} + '.pickle'))", env
            )
        for number in range(rounds):
            for size, (size_scale, _) in sizes.items():
                out = Path(tmp) / f"{size}-{number}.json"
                child(f"measure(scale={size_scale!r}, generated_path=Path({str(Path(tmp) / size)!r} + '.pickle'), "
                      f"samples={per_round}, max_values={max_values}, exports={number == 0}, out=Path({str(out)!r}))",
                      envs[size])  # fmt: skip
                rounds_of[size].append(json.loads(out.read_text()))
        return pooled(rounds_of["full"]), pooled(rounds_of["tenth"])


def pooled(rounds: list[dict]) -> dict:
    """One size's rounds as one: each page's samples together (p50 and p95 over all of them) and
    each round's p95 apart, its sequential scans from any round, its export from the round that
    ran it."""
    merged = {**rounds[0], "results": {}}
    for one in rounds:
        for name, result in one["results"].items():
            into = merged["results"].setdefault(
                name, {**result, "samples": [], "round_p95": [], "seq_scans": []}
            )
            into["samples"] += result.get("samples", [])
            if result.get("samples"):
                into["round_p95"].append(percentile(result["samples"], 95))
            into["seq_scans"] += [
                scan for scan in result.get("seq_scans", []) if scan not in into["seq_scans"]
            ]
            if result.get("error"):
                into["error"] = result["error"]
    for result in merged["results"].values():
        if result["samples"]:
            result.update(p50=percentile(result["samples"], 50), p95=percentile(result["samples"], 95),
                          n=len(result["samples"]))  # fmt: skip
    merged["measure_s"] = sum(one["measure_s"] for one in rounds)
    return merged


def round_ratio(full: dict, tenth: dict) -> float | None:
    """A page's growth: its p95 at full size over its p95 at a tenth in the same round (the two
    measured minutes apart), the median over the rounds; a shared host's slow minute then
    sways one round, not the verdict. None when the tenth has no figure."""
    rounds = zip(full.get("round_p95", []), tenth.get("round_p95", []), strict=False)
    pairs = [f / t for f, t in rounds if t]
    return statistics.median(pairs) if pairs else None


def report(full: dict, tenth: dict) -> list[str]:
    """Prints every figure beside its target; returns the misses."""
    misses: list[str] = []
    small = tenth["results"]
    print(f"targets: p95 <= {PAGE_P95_MS:.0f} ms, and p95 <= {FLOOR_MS:.0f} ms or at most {RATIO}x the tenth's "
          f"(ratio: the median over rounds of the two sizes' p95 in each round)")  # fmt: skip
    print(f"{'page':70} {'p50':>7} {'p95':>7} {'tenth':>7} {'ratio':>6} {'queries':>7}  target")
    for name, r in full["results"].items():
        if r.get("error") or r.get("status") not in (200, None):
            misses.append(f"{name}: {r.get('error') or 'HTTP ' + str(r['status'])}")
            print(f"{name[:70]:70} {'FAILED':>7}  {r.get('error') or r['status']}")
            continue
        if r["group"] == "worker":  # a worker's task, not a page: reported beside the pages
            print(
                f"{name[:70]:70} {r['p50']:7.1f} {r['p95']:7.1f} {small.get(name, {}).get('p95', 0):7.1f}  (worker, no target)"
            )
            continue
        if r["group"] == "export":
            t = small.get(name, {})
            ok = r["growth_mb"] <= EXPORT_MB and t.get("growth_mb", 0) <= EXPORT_MB
            print(f"{name[:70]:70} {r['seconds']:6.1f}s {r['bytes'] / 1e6:6.1f}MB  growth {r['growth_mb']:.0f} MB "
                  f"(tenth {t.get('growth_mb', 0):.0f} MB; target <= {EXPORT_MB:.0f} MB) {'ok' if ok else 'MISS'}")  # fmt: skip
            if not ok:
                misses.append(f"{name}: memory growth {r['growth_mb']:.0f} MB > {EXPORT_MB:.0f} MB")
            continue
        base = small.get(name, {}).get("p95")
        growth = round_ratio(r, small.get(name, {}))
        ok = r["p95"] <= PAGE_P95_MS and (r["p95"] <= FLOOR_MS or growth is None or growth <= RATIO)
        shown = f"{growth:5.1f}x" if growth is not None else "    -"
        print(f"{name[:70]:70} {r['p50']:7.1f} {r['p95']:7.1f} {base or 0:7.1f} {shown:>6} {r.get('queries', '-'):>7}  "
              f"{'ok' if ok else 'MISS'}")  # fmt: skip
        if not ok:
            pairs = zip(r.get("round_p95", []), small.get(name, {}).get("round_p95", []), strict=False)
            misses.append(
                f"{name}: p95 {r['p95']:.0f} ms (tenth {base or 0:.0f} ms; rounds' ratio {shown.strip()}, each "
                f"round's p95 full/tenth {', '.join(f'{f:.0f}/{t:.0f}' for f, t in pairs)}; "
                f"target p95 <= {PAGE_P95_MS:.0f} ms and ratio <= {RATIO}x or p95 <= {FLOOR_MS:.0f} ms)"
            )
    for size in (tenth, full):
        for name, r in size["results"].items():
            for table, rows, sql in r.get("seq_scans", []):
                misses.append(
                    f"{name} (scale {size['scale']:g}): Seq Scan on {table} ({rows:,} rows): {sql[:300]}"
                )
    return misses


def main() -> None:
    quick = os.environ.get("BENCH_SCALE_QUICK") == "1"
    scale = float(os.environ.get("BENCH_SCALE", "0.02" if quick else "1.0"))
    samples = int(os.environ.get("BENCH_SAMPLES", "5" if quick else "60"))
    max_values = int(os.environ.get("BENCH_FILTER_VALUES", "2" if quick else "6"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "1" if quick else "3"))
    url, services = durable_server()
    try:
        settings = server_settings(url)
        print(f"scale benchmark: BENCH_SCALE={scale:g} and a tenth, {samples} samples per page in {rounds} rounds "
              f"alternating the sizes, page cache off, in-process test client; host shared, figures indicative")  # fmt: skip
        print("  PostgreSQL " + ", ".join(f"{k}={v}" for k, v in sorted(settings.items())))
        env_url = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = url
        full, tenth = run_sizes(scale, samples, max_values, rounds)
        if env_url:
            os.environ["DATABASE_URL"] = env_url
    finally:
        if services:
            subprocess.run(["scripts/services.sh", "stop", services], cwd=ROOT, check=False)
    print(f"  generation: {full['generation_s']:.0f} s at scale {scale:g} ({sum(full['counts'].values()):,} rows), "
          f"{tenth['generation_s']:.0f} s at {scale / 10:g}")  # fmt: skip
    misses = report(full, tenth)
    print(f"  misses: {len(misses)}")
    for miss in misses:
        print(f"  MISS {miss}")
    print(f"  result: {'MEETS TARGET' if not misses else 'MISSES TARGET'}")
    sys.exit(1 if misses else 0)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
