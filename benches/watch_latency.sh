#!/usr/bin/env bash
# Benchmark: the latency from saving a spec to its evidence starting under `specctl watch`
# (median and p95 of SAVES saves, default 20), with the default 100 ms debounce.
# Usage: benches/watch_latency.sh [SAVES]
set -euo pipefail
cd "$(dirname "$0")/.."
saves=${1:-20}
cargo build --release --quiet --bin specctl
bin="$PWD/target/release/specctl"
tmp=$(mktemp -d)
trap 'kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/specs"
cat > "$tmp/specctl.yaml" <<'YAML'
evidence:
  default:
    run: python3 -c 'import time; open("starts.log", "a").write("%d\n" % time.time_ns())'
    report: exit-code
YAML
printf 'Feature: F\n  Scenario: s\n    Given version 0\n' > "$tmp/specs/f.feature"
printf 'starts.log\n' > "$tmp/.gitignore"
(cd "$tmp" && exec "$bin" watch --format json > watch.out 2>&1) &
pid=$!
python3 - "$tmp" "$saves" <<'PY'
import os, statistics, sys, time
root, saves = sys.argv[1], int(sys.argv[2])
log = os.path.join(root, "starts.log")
def starts():
    try:
        return open(log).read().split()
    except FileNotFoundError:
        return []
deadline = time.time() + 30
while not starts() and time.time() < deadline:
    time.sleep(0.01)
latencies = []
for n in range(1, saves + 1):
    time.sleep(0.3)
    before = len(starts())
    saved = time.time_ns()
    with open(os.path.join(root, "specs/f.feature"), "w") as f:
        f.write(f"Feature: F\n  Scenario: s\n    Given version {n}\n")
    deadline = time.time() + 10
    while len(starts()) == before and time.time() < deadline:
        time.sleep(0.002)
    now = starts()
    if len(now) == before:
        sys.exit(f"save {n}: the evidence did not start within 10 s")
    latencies.append((int(now[-1]) - saved) / 1e6)
latencies.sort()
p95 = latencies[min(len(latencies) - 1, int(round(0.95 * len(latencies))) - 1)]
print(f"watch latency, save -> evidence start, {saves} saves, debounce 100 ms: "
      f"median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, min {latencies[0]:.1f} ms, max {latencies[-1]:.1f} ms")
PY
