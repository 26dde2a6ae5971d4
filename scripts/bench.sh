#!/usr/bin/env bash
# Runs every benchmark in bench/ (bench_*.py) and prints each figure beside its target.
# Uses DATABASE_URL / REDIS_URL when set; otherwise starts throw-away servers like CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  eval "$(scripts/services.sh start)"
  trap 'scripts/services.sh stop "$CREDO_SERVICES_DIR"' EXIT
fi
shopt -s nullglob
benches=(bench/bench_*.py)
if [ ${#benches[@]} -eq 0 ]; then
  echo "No benchmarks yet (bench/bench_*.py)."
  exit 0
fi
missed=()
for bench in "${benches[@]}"; do
  echo "== $bench"
  .venv/bin/python "$bench" || missed+=("$bench")  # every benchmark runs, even after a miss
done
if [ ${#missed[@]} -gt 0 ]; then
  echo "Missed a target (or failed): ${missed[*]}"
  exit 1
fi
