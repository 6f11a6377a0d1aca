#!/usr/bin/env bash
# Evidence for aspects/short-functions.md: no function in src/ is over 80 lines.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 evidence/architecture.py functions
