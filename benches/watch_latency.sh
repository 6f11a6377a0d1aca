#!/usr/bin/env bash
# Benchmark 4 of benches/run.sh: under `specctl watch` (100 ms debounce), the latency from saving
# a spec to its evidence starting and to the observation being printed, at 1k and 10k scenarios.
# Usage: benches/watch_latency.sh
set -euo pipefail
exec "$(dirname "$0")/run.sh" --only watch
