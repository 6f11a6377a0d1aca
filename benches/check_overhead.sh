#!/usr/bin/env bash
# Benchmark 2 of benches/run.sh: `specctl check` on 1,000 scenarios proven by one runner plus
# 100 aspects (all instant) against `xargs -P <cores>` running the very same commands, in the
# same go. Usage: benches/check_overhead.sh [RUNS]   (RUNS timed runs per side, default 7)
set -euo pipefail
exec "$(dirname "$0")/run.sh" --only overhead ${1:+--runs "$1"}
