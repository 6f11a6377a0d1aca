#!/usr/bin/env bash
# Evidence for aspects/no-process-left.md: after `specctl check` returns, no process that its
# evidence started (a hung runner, its children, a daemon) is still alive.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin specctl
bin="$PWD/target/debug/specctl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/specs" "$tmp/aspects"
cat > "$tmp/specctl.yaml" <<'YAML'
evidence:
  default:
    run: ./hang.sh
    timeout: 1s
YAML
printf 'Feature: F\n  Scenario: hangs\n    Given a step\n' > "$tmp/specs/f.feature"
cat > "$tmp/hang.sh" <<'SH'
#!/bin/sh
sleep 300 &
echo $! >> pids
(sleep 300; echo never) &
echo $! >> pids
echo $$ >> pids
sleep 300
SH
cat > "$tmp/daemon.sh" <<'SH'
#!/bin/sh
(trap '' TERM; sleep 300) &
echo $! >> pids
exit 0
SH
chmod +x "$tmp/hang.sh" "$tmp/daemon.sh"
printf -- '---\nname: forks-a-daemon\nevidence: ./daemon.sh\n---\n' > "$tmp/aspects/daemon.md"
"$bin" -C "$tmp" check --format json > "$tmp/report.json" || true
grep -q '"status": "timeout"' "$tmp/report.json" || { echo "the hung runner was not reported as timeout" >&2; cat "$tmp/report.json" >&2; exit 1; }
left=0
while read -r pid; do
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
  if [[ $state != gone && $state != Z ]]; then
    echo "process $pid started by the evidence is still running: $(tr '\0' ' ' < "/proc/$pid/cmdline")" >&2
    kill -9 "$pid" 2>/dev/null || true
    left=$((left + 1))
  fi
done < "$tmp/pids"
if (( left > 0 )); then
  echo "$left process(es) left behind" >&2
  exit 1
fi
echo "no process left behind ($(wc -l < "$tmp/pids") started, all ended)"
