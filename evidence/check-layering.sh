#!/usr/bin/env bash
# Evidence for aspects/layering.md: src/ keeps the controller's layers (see architecture.py).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 evidence/architecture.py layering
