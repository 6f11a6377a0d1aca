#!/usr/bin/env bash
# Benchmark: the bytes of the reconcile prompt for 1,000 scenarios with one failing, against
# the bytes of the full evidence output (the runner's log and report), which is what a loop
# that forwards the whole test log would send. Usage: benches/prompt_economy.sh [SCENARIOS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
cargo build --release --quiet --bin specctl
bin="$PWD/target/release/specctl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/specs"
per=100
files=$(( (n + per - 1) / per ))
{
  echo "<testsuite>"
  for f in $(seq 1 "$files"); do
    {
      echo "Feature: Area $f"
      for s in $(seq 1 "$per"); do
        printf '  Scenario: case %s of area %s\n    Given a prepared fixture number %s\n    When the operation runs\n    Then the result matches the expectation\n\n' "$s" "$f" "$s"
      done
    } > "$tmp/specs/area$f.feature"
    for s in $(seq 1 "$per"); do
      if [[ $f == 1 && $s == 1 ]]; then
        echo "<testcase classname=\"Area 1\" name=\"case 1 of area 1\"><failure message=\"expected 42, got 41\">Failing step: Then the result matches the expectation ... failed
Location: specs/area1.feature:5
AssertionError: expected 42, got 41</failure></testcase>"
      else
        echo "<testcase classname=\"Area $f\" name=\"case $s of area $f\"/>"
      fi
    done
  done
  echo "</testsuite>"
} > "$tmp/report.xml"
# The runner's console log, as a verbose runner prints it: one block per scenario.
for f in $(seq 1 "$files"); do
  for s in $(seq 1 "$per"); do
    printf 'Scenario: case %s of area %s\n  Given a prepared fixture number %s ... passed in 0.001s\n  When the operation runs ... passed in 0.001s\n  Then the result matches the expectation ... passed in 0.001s\n\n' "$s" "$f" "$s"
  done
done > "$tmp/console.log"
cat > "$tmp/specctl.yaml" <<'YAML'
evidence:
  default:
    run: cat console.log; cp report.xml {report}; exit 1
    report: junit
YAML
cd "$tmp"
prompt=$({ "$bin" plan --format json || true; } | python3 -c 'import json,sys; print(json.load(sys.stdin)["prompt_bytes"])')
full=$(( $(wc -c < console.log) + $(wc -c < report.xml) ))
echo "scenarios: $n, failing: 1"
echo "prompt: $prompt bytes; full evidence output (log $(wc -c < console.log) + report $(wc -c < report.xml)): $full bytes"
echo "ratio: $(awk -v a="$prompt" -v b="$full" 'BEGIN {printf "%.2f%%", 100 * a / b}')"
