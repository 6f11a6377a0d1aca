#!/usr/bin/env bash
# Benchmark 5 of benches/run.sh: the bytes of the reconcile prompt for 1,000 items with one
# failing, against the bytes of the full evidence output (the runner's verbose log and its
# report), which is what a loop that forwards the whole test log would send.
# Usage: benches/prompt_economy.sh
set -euo pipefail
exec "$(dirname "$0")/run.sh" --only prompt
