#!/usr/bin/env bash
# Evidence for aspects/main-is-thin.md: src/main.rs holds at most 15 lines of code.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=15
code=$(grep -vcE '^\s*(//.*)?$' src/main.rs || true)
if (( code > limit )); then
  echo "src/main.rs has $code lines of code; keep it at $limit or fewer by moving logic into the library" >&2
  exit 1
fi
echo "src/main.rs has $code lines of code (limit $limit)"
