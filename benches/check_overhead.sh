#!/usr/bin/env bash
# Benchmark: `specctl check` on 1,000 scenarios proven by one runner plus 100 aspects, against
# `xargs -P <cores>` running the very same evidence commands, in the same go.
# Prints the processes each side starts and the median wall time of RUNS runs, and the ratio.
# Usage: benches/check_overhead.sh [RUNS]   (builds specctl in release mode first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
cargo build --release --quiet --bin specctl
bin="$PWD/target/release/specctl"
cores=$(nproc)
tmp=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$tmp"' EXIT
mkdir -p "$tmp/specs" "$tmp/aspects"

# 10 feature files x 100 scenarios, and the JUnit report an instant runner hands back.
{
  echo "<testsuite>"
  for f in $(seq 1 10); do
    {
      echo "Feature: F$f"
      for s in $(seq 1 100); do printf '  Scenario: s%s\n    Given step %s\n' "$s" "$s"; done
    } > "$tmp/specs/f$f.feature"
    for s in $(seq 1 100); do echo "<testcase classname=\"F$f\" name=\"s$s\"/>"; done
  done
  echo "</testsuite>"
} > "$tmp/cases.xml"
cat > "$tmp/specctl.yaml" <<'YAML'
evidence:
  default:
    run: echo runner >> spawned.log; cp cases.xml {report}
    report: junit
YAML
for a in $(seq 1 100); do
  printf -- '---\nname: a%s\nevidence: echo aspect >> spawned.log\n---\n' "$a" > "$tmp/aspects/a$a.md"
done
commands() {
  echo "echo runner >> spawned.log; cp cases.xml report.xml"
  for _ in $(seq 1 100); do echo "echo aspect >> spawned.log"; done
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }

cd "$tmp"
rm -f spawned.log; "$bin" check --jobs "$cores" > /dev/null || { echo "specctl check failed" >&2; exit 1; }
specctl_spawned=$(wc -l < spawned.log)
rm -f spawned.log; commands | xargs -P "$cores" -I{} sh -c {}
xargs_spawned=$(wc -l < spawned.log)

specctl_times=(); xargs_times=()
for _ in $(seq 1 "$runs"); do
  specctl_times+=("$(time_ms "$bin" check --jobs "$cores")")
  xargs_times+=("$(time_ms sh -c "$(declare -f commands); commands | xargs -P $cores -I{} sh -c {}")")
done
s=$(printf '%s\n' "${specctl_times[@]}" | median)
x=$(printf '%s\n' "${xargs_times[@]}" | median)
echo "machine: $(nproc) cores, $(uname -sr)"
echo "evidence processes: specctl $specctl_spawned (1 runner for 1000 scenarios + 100 aspects), xargs $xargs_spawned"
echo "wall time, median of $runs: specctl check ${s} ms, xargs -P $cores ${x} ms, ratio $(awk -v a="$s" -v b="$x" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
