#!/usr/bin/env bash
# specctl's benchmark suite: every benchmark in one go, then one table (goal, figure, baseline
# figure, ratio, met) and the machine it ran on. BENCHMARKS.md says what each one measures.
#
#   benches/run.sh             full size; a few minutes
#   benches/run.sh --tiny      every benchmark at a tiny size, in seconds, only to keep them
#                              working (CI): it never judges speed
#   benches/run.sh --only overhead,prompt    a subset, by name:
#                              parse overhead batching prompt growth store watch audit mutmut fanout
#   benches/run.sh --runs N    timed runs per side (the median is reported; default 7, tiny 1;
#                              audit and mutmut take at most 3: each of their runs is many)
#   benches/run.sh --strict    exit 1 when a goal is missed (never with --tiny)
#   benches/run.sh --keep      keep the generated projects (target/tmp/bench-run/)
#
# Environment: SPECCTL_BIN=path uses that binary instead of building the release one. The parse
# benchmark also builds the cargo example gherkin_baseline (cucumber-rs's parser, its baseline):
# in release, or in the debug profile with --tiny; where it cannot be built its rows say
# "unavailable" and why, and the run goes on.
# Exit: 0 when every benchmark ran; 1 when one could not run at all (or, with --strict, when a
# goal was missed); 2 on a bad argument. The parsing benchmark's baseline (PyPI gherkin-official)
# is installed into target/tmp/bench-tools/venv on first use; where it cannot be installed that
# baseline is reported as unavailable and the run goes on. Likewise the mutmut benchmark's tools
# (benches/mutmut-requirements.txt, into target/tmp/bench-tools/mutmut-venv; --tiny never installs
# them) and its project (vending-machine-pytest-bdd.tar.xz of shared/real-projects, or
# $SPECCTL_REAL_PROJECTS): where either is missing its rows say "unavailable" and why.
#
# Each benchmark is one function bench_NAME that calls `row` once per line of the table.
# Baseline and specctl are always timed interleaved, in the same go, so that a noisy machine
# slows both alike; the ratios are the figures to compare between machines.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

tiny=0 runs= strict=0 keep=0 only=
while (($#)); do
  case $1 in
    --tiny) tiny=1 ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --runs=*) runs=${1#*=} ;;
    --only) only=${2:?--only needs names}; shift ;;
    --only=*) only=${1#*=} ;;
    --strict) strict=1 ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -z $runs || $runs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs takes a positive number" >&2; exit 2; }
runs=${runs:-$((tiny ? 1 : 7))}

# Every benchmark, in table order.
BENCHMARKS=(parse overhead batching prompt growth store watch audit mutmut fanout)
if [[ -n $only ]]; then IFS=', ' read -r -a BENCHMARKS <<< "$only"; fi

work=$root/target/tmp/bench-run
tools=$root/target/tmp/bench-tools
rm -rf "$work" && mkdir -p "$work" "$tools" || exit 1
((keep)) || trap 'rm -rf "$work"' EXIT
cores=$(nproc)

say() { printf '%s\n' "$*" >&2; }

# project NAME GENERATE-ARGS…: the project NAME, generated once per run; prints its folder.
project() {
  local name=$1 dir=$work/$1
  shift
  if [[ ! -f $dir/manifest.json ]]; then
    python3 "$root/benches/generate.py" --out "$dir" "$@" > /dev/null || { say "  generate.py $* failed"; return 1; }
  fi
  echo "$dir"
}

# ---------------------------------------------------------------- measuring

if [[ -n ${EPOCHREALTIME:-} ]]; then
  now_us() { printf -v "$1" '%s' "${EPOCHREALTIME/[.,]/}"; }
else
  now_us() { local t; t=$(date +%s%N); printf -v "$1" '%s' "$((t / 1000))"; }
fi
# time_us VAR CMD…: runs CMD (its output discarded), its wall time in µs into VAR; CMD's status.
time_us() {
  local __v=$1 __s __e __rc
  shift
  now_us __s
  "$@" > /dev/null 2>&1
  __rc=$?
  now_us __e
  printf -v "$__v" '%s' "$((__e - __s))"
  return "$__rc"
}
# peak_kb CMD…: runs CMD (its output discarded) and prints its peak resident memory in KB.
peak_kb() {
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f %M -o "$work/.peak" "$@" > /dev/null 2>&1
    tail -n 1 "$work/.peak"
  else
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
  fi
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
calc() { awk "BEGIN {printf \"$1\", $2}"; }
ms() { calc '%.1f' "$1 / 1000"; }
mb() { calc '%.1f' "$1 / 1024"; }
k() { if (($1 >= 1000 && $1 % 1000 == 0)); then echo "$(($1 / 1000))k"; else echo "$1"; fi; }
spread() { # "min–max ms" of µs values
  local sorted
  sorted=$(printf '%s\n' "$@" | sort -n)
  echo "$(ms "$(head -n 1 <<< "$sorted")")–$(ms "$(tail -n 1 <<< "$sorted")") ms"
}
json_get() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"; }

# ---------------------------------------------------------------- the table

R_NAME=() R_GOAL=() R_FIG=() R_BASE=() R_RATIO=() R_MET=() EXTRA=()
missed=0
# row NAME GOAL FIGURE BASELINE RATIO MET(yes|no|-)
row() {
  local met=$6
  if ((tiny)) && [[ $met == yes || $met == no ]]; then met="- (tiny)"; fi
  [[ $met == no ]] && missed=$((missed + 1))
  R_NAME+=("$1") R_GOAL+=("$2") R_FIG+=("$3") R_BASE+=("$4") R_RATIO+=("$5") R_MET+=("$met")
}
yesno() { if awk "BEGIN {exit !($1)}"; then echo yes; else echo no; fi; }

# ---------------------------------------------------------------- 1. parsing

# The official Gherkin parser, from python3 itself or from a venv of its own.
official_python() {
  if python3 -c 'import gherkin.parser, gherkin.pickles.compiler' 2> /dev/null; then
    command -v python3
    return
  fi
  local venv=$tools/venv
  if ! "$venv/bin/python" -c 'import gherkin.parser, gherkin.pickles.compiler' 2> /dev/null; then
    say "  installing gherkin-official into $venv"
    { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check gherkin-official; } >&2 || return 1
  fi
  echo "$venv/bin/python"
}

# The gherkin crate's baseline (benches/gherkin_baseline.rs, a cargo example), built once: in
# release for a full run, in the debug profile with --tiny (`cargo test` has built it there
# already, so CI pays nothing). Sets GHERKIN_BIN to it, or GHERKIN_WHY to why there is none.
GHERKIN_BIN= GHERKIN_WHY=
gherkin_crate() {
  [[ -n $GHERKIN_BIN || -n $GHERKIN_WHY ]] && return
  local profile=release flag=--release log=$work/gherkin-build.log
  ((tiny)) && profile=debug flag=
  command -v cargo > /dev/null || { GHERKIN_WHY="cargo is not installed (it builds the example)"; return; }
  say "  building: cargo build${flag:+ $flag} --example gherkin_baseline"
  # shellcheck disable=SC2086
  if cargo build $flag --quiet --example gherkin_baseline > "$log" 2>&1; then
    GHERKIN_BIN=${CARGO_TARGET_DIR:-$root/target}/$profile/examples/gherkin_baseline
  else
    GHERKIN_WHY="cargo build --example gherkin_baseline failed: $(grep -m 1 -E '^error|not found' "$log" | cut -c1-100)"
  fi
}

# `specctl list --format json` on 1,000 files / 10,000 scenarios + 1,000 aspects, against the
# official parser parsing the same files and compiling their pickles, in one Python process;
# and against cucumber-rs's `gherkin` crate parsing the same files (no output), whole process
# each. Beside it, the same specs without the aspects (the crate cannot read aspects).
bench_parse() {
  local files=1000 aspects=1000
  ((tiny)) && files=20 aspects=20
  local n=$((files * 10)) p q
  p=$(project "list-$n" --files $files --scenarios 6 --outlines 1 --rows 4 --aspects $aspects) || return 1
  q=$(project "list-$n-specs" --files $files --scenarios 6 --outlines 1 --rows 4) || return 1
  local items
  items=$("$bin" -C "$p" list --format json | python3 -c 'import json, sys; d = json.load(sys.stdin); print(len(d["items"]) if not d["errors"] else -1)') || return 1
  [[ $items == $((n + aspects)) ]] || { say "  specctl listed $items items, expected $((n + aspects))"; return 1; }

  local py out
  py=$(official_python) || { py=; say "  gherkin-official could not be installed: the baseline is unavailable"; }
  if [[ -n $py ]]; then
    out=$("$py" "$root/benches/official_parse.py" "$p/specs") || { say "  the official parser failed"; return 1; }
    [[ $(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["pickles"])' "$out") == "$n" ]] \
      || say "  warning: the official parser compiled another number of pickles than $n: $out"
  fi
  local gk
  gherkin_crate
  gk=$GHERKIN_BIN
  [[ -n $gk ]] || say "  the gherkin crate's baseline is unavailable: $GHERKIN_WHY"
  if [[ -n $gk ]]; then
    out=$("$gk" "$p/specs") || { say "  the gherkin crate failed on the project"; return 1; }
    [[ $(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["scenarios"])' "$out") == "$n" ]] \
      || { say "  the gherkin crate read another number of scenarios than $n: $out"; return 1; }
  fi

  local t t2 s=() o=() l=() g=() so=() i
  for ((i = 0; i < runs; i++)); do
    time_us t "$bin" -C "$p" list --format json || return 1
    s+=("$t")
    if [[ -n $py ]]; then
      now_us t
      out=$("$py" "$root/benches/official_parse.py" "$p/specs") || return 1
      now_us t2
      o+=("$((t2 - t))")
      l+=("$(python3 -c 'import json, sys; print(int(1000 * json.loads(sys.argv[1])["loop_ms"]))' "$out")")
    fi
    if [[ -n $gk ]]; then
      time_us t "$gk" "$p/specs" || return 1
      g+=("$t")
      time_us t "$bin" -C "$q" list --format json || return 1
      so+=("$t")
    fi
  done
  local sm om lm mem pmem rate orate wrate
  sm=$(median "${s[@]}")
  mem=$(peak_kb "$bin" -C "$p" list --format json)
  rate=$(calc '%.0f' "$n / ($sm / 1e6)")
  say "  specctl list: $n scenarios + $aspects aspects in $(ms "$sm") ms ($(spread "${s[@]}")), peak $(mb "$mem") MB"
  if [[ -z $py ]]; then
    row "parse: scenarios/s vs official parser" ">= 10x" "$rate /s" "unavailable" "-" "-"
    row "parse: list $(k $n) scen + $(k $aspects) aspects" "<= 300 ms" "$(ms "$sm") ms" "-" "-" "$(yesno "$sm <= 300000")"
    row "parse: peak memory" "<= 100 MB" "$(mb "$mem") MB" "-" "-" "$(yesno "$mem <= 102400")"
    gherkin_rows "$n" "$aspects" "$sm" "${g[*]}" "${so[*]}"
    return
  fi
  om=$(median "${o[@]}") lm=$(median "${l[@]}")
  pmem=$(peak_kb "$py" "$root/benches/official_parse.py" "$p/specs")
  say "  official parser: parse+compile loop $(ms "$lm") ms ($(spread "${l[@]}")), whole process $(ms "$om") ms ($(spread "${o[@]}")), peak $(mb "$pmem") MB"
  orate=$(calc '%.0f' "$n / ($lm / 1e6)") wrate=$(calc '%.0f' "$n / ($om / 1e6)")
  row "parse: scenarios/s vs official parser" ">= 10x" "$rate /s" "$orate /s loop; $wrate /s process" \
    "$(calc '%.1fx' "$rate / $orate"); $(calc '%.1fx' "$rate / $wrate")" "$(yesno "$rate >= 10 * $orate")"
  row "parse: list $(k $n) scen + $(k $aspects) aspects" "<= 300 ms" "$(ms "$sm") ms" "$(ms "$om") ms (official process)" \
    "$(calc '%.3f' "$sm / $om")" "$(yesno "$sm <= 300000")"
  row "parse: peak memory" "<= 100 MB" "$(mb "$mem") MB" "$(mb "$pmem") MB (official)" \
    "$(calc '%.2f' "$mem / $pmem")" "$(yesno "$mem <= 102400")"
  gherkin_rows "$n" "$aspects" "$sm" "${g[*]}" "${so[*]}"
}

# The rows against the gherkin crate: N scenarios, K aspects, specctl's median (µs), then the
# crate's times and specctl's on the specs alone (µs, space-separated; empty: unavailable).
gherkin_rows() {
  local n=$1 aspects=$2 sm=$3 g=$4 so=$5 gm som
  local name="parse: list vs gherkin crate, $(k $n) scen"
  if [[ -z $g ]]; then
    row "$name" ">= 2x" "$(ms "$sm") ms" "unavailable: ${GHERKIN_WHY:-no binary}" "-" "-"
    return
  fi
  # shellcheck disable=SC2086
  gm=$(median $g) som=$(median $so)
  say "  gherkin crate (cucumber-rs 0.16): $n scenarios in $(ms "$gm") ms; specctl list of the same specs without aspects $(ms "$som") ms"
  row "$name" ">= 2x" "$(ms "$sm") ms (+ $(k $aspects) aspects)" "$(ms "$gm") ms (gherkin 0.16, specs only)" \
    "$(calc '%.2fx' "$gm / $sm")" "$(yesno "$gm >= 2 * $sm")"
  row "parse: same, specs only (extra)" ">= 2x" "$(ms "$som") ms (no aspects)" "$(ms "$gm") ms (gherkin 0.16)" \
    "$(calc '%.2fx' "$gm / $som")" "$(yesno "$gm >= 2 * $som")"
}

# ---------------------------------------------------------------- 2. overhead

# xargs running the very commands specctl runs, each in its own shell, as many at once as cores.
baseline_xargs() { xargs -d '\n' -n 1 -P "$cores" sh -c < baseline-commands.txt; }

# `specctl check` on 1,000 scenarios (one runner) + 100 aspects, all instant, against
# `xargs -P <cores>` running the same 101 commands.
bench_overhead() {
  local scen=100 aspects=100
  ((tiny)) && scen=10 aspects=10
  local p
  p=$(project overhead --files 10 --scenarios $scen --aspects $aspects) || return 1
  (
    cd "$p" || exit 1
    "$bin" check --jobs "$cores" > /dev/null || { say "  specctl check failed"; exit 1; }
    baseline_xargs || { say "  the xargs baseline failed"; exit 1; }
    local t s=() x=() i
    for ((i = 0; i < runs; i++)); do
      time_us t "$bin" check --jobs "$cores" || exit 1
      s+=("$t")
      time_us t baseline_xargs || exit 1
      x+=("$t")
    done
    printf '%s\n' "$(median "${s[@]}")" "$(median "${x[@]}")" "$(spread "${s[@]}")" "$(spread "${x[@]}")"
  ) > "$work/overhead.out" || return 1
  local sm xm ss xs
  { read -r sm; read -r xm; read -r ss; read -r xs; } < "$work/overhead.out"
  say "  specctl check $(ms "$sm") ms ($ss), xargs -P $cores $(ms "$xm") ms ($xs), medians of $runs"
  row "overhead: check $(k $((10 * scen))) scen + $aspects aspects" "<= 1.05x xargs" "$(ms "$sm") ms" \
    "$(ms "$xm") ms (xargs -P $cores)" "$(calc '%.2fx' "$sm / $xm")" "$(yesno "$sm <= 1.05 * $xm")"
}

# ---------------------------------------------------------------- 3. batching

# runner_starts DIR: how often the runner started in one `specctl check` of DIR (it appends a
# line to spawned.log each time), and the check's verdict counts, as "STARTS PASS TOTAL".
runner_starts() {
  (
    cd "$1" && rm -f spawned.log
    "$bin" check --format json --output "$work/batching.json" > /dev/null 2>&1
    [[ -s $work/batching.json ]] || exit 1
    echo "$(grep -c '^runner' spawned.log 2> /dev/null) $(json_get "$work/batching.json" 'd["summary"]["pass"], d["summary"]["total"]' | tr -d '(),')"
  )
}

# The processes a check starts for 1,000 scenarios proven by one runner; and, beyond the issue's
# goal, for 10,000 (where every scenario must still be judged).
bench_batching() {
  local scen=100 big=1000
  ((tiny)) && scen=10 big=20
  local p q n=$((10 * scen)) m=$((big * 10)) r pass total execs=
  p=$(project batching --files 10 --scenarios $scen) || return 1
  local counts
  counts=$(runner_starts "$p") || { say "  specctl check failed"; return 1; }
  read -r r pass total <<< "$counts"
  if command -v strace > /dev/null; then
    execs=$(cd "$p" && strace -f -e trace=execve -o "$work/strace.out" "$bin" check > /dev/null 2>&1 \
      && grep -c 'execve(' "$work/strace.out") || execs=
  fi
  say "  $n scenarios: the runner started $r time(s), $pass of $total pass${execs:+; execve calls in the whole check (specctl, sh, cp): $execs}"
  row "batching: runner processes, $(k $n) scen" "1" "$r" "$n (one per scenario)" "$(calc '%.3f' "$r / $n")" "$(yesno "$r == 1 && $pass == $n")"

  q=$(project "check-$m" --files $big --scenarios 6 --outlines 1 --rows 4 --aspects $big) || return 1
  counts=$(runner_starts "$q") || { say "  specctl check failed at $m"; return 1; }
  read -r r pass total <<< "$counts"
  local why=
  ((r == 0)) && why=$(json_get "$work/batching.json" '[i.get("message") for i in d["items"] if i["kind"] == "scenario"][0]' | head -n 1)
  say "  $m scenarios + $big aspects: the runner started $r time(s), $pass of $total items pass${why:+ ($why)}"
  row "batching: runner processes, $(k $m) scen (extra)" "1, all judged" "$r; $pass of $total pass" "$m (one per scenario)" \
    "$(calc '%.4f' "$r / $m")" "$(yesno "$r == 1 && $pass == $total")"
}

# ---------------------------------------------------------------- 5. prompt economy

# 1,000 items with 1 failing: the bytes of the reconcile prompt against the bytes of the full
# evidence output (the runner's verbose log and its report).
bench_prompt() {
  local scen=100
  ((tiny)) && scen=10
  local n=$((10 * scen)) p bytes
  p=$(project prompt --files 10 --scenarios $scen --fail-count 1 --console-log) || return 1
  bytes=$(cd "$p" && { "$bin" plan --format json; [[ $? == 1 ]] || say "  plan did not exit 1"; } \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["prompt_bytes"])') || { say "  specctl plan failed"; return 1; }
  local log rep full
  log=$(wc -c < "$p/console.log") rep=$(wc -c < "$p/cases.xml") full=$((log + rep))
  say "  prompt $bytes bytes; full evidence output $full bytes (log $log + report $rep)"
  row "prompt: $(k $n) items, 1 failing" "<= 5%" "$bytes B" "$full B (log + report)" \
    "$(calc '%.2f%%' "100 * $bytes / $full")" "$(yesno "$bytes <= 0.05 * $full")"
}

# ---------------------------------------------------------------- 6. growth

# `specctl list --format json` time and peak memory at 1k, 10k and 100k scenarios (10 per file,
# one aspect per file), and `specctl check` time on the same projects.
bench_growth() {
  local sizes=(1000 10000 100000) size p t i
  ((tiny)) && sizes=(100 1000)
  for size in "${sizes[@]}"; do
    project "check-$size" --files $((size / 10)) --scenarios 6 --outlines 1 --rows 4 --aspects $((size / 10)) > /dev/null || return 1
    "$bin" -C "$work/check-$size" list --format json > /dev/null || return 1
  done
  local -A lt=() ct=() lmed=() cmed=() peak=() judged=()
  for ((i = 0; i < runs; i++)); do # round-robin over the sizes: noise spreads over all of them
    for size in "${sizes[@]}"; do
      time_us t "$bin" -C "$work/check-$size" list --format json || return 1
      lt[$size]+="$t "
    done
  done
  for size in "${sizes[@]}"; do
    # check: median of up to 3 runs, one run from 100k scenarios up (it is slow there)
    local c=$((size >= 100000 ? 1 : (runs < 3 ? runs : 3)))
    for ((i = 0; i < c; i++)); do
      time_us t "$bin" -C "$work/check-$size" check --jobs "$cores" --format json --output "$work/growth.json"
      ct[$size]+="$t "
    done
    judged[$size]=$(json_get "$work/growth.json" '"%d of %d pass" % (d["summary"]["pass"], d["summary"]["total"])') || return 1
  done
  for size in "${sizes[@]}"; do
    # shellcheck disable=SC2086
    lmed[$size]=$(median ${lt[$size]}) cmed[$size]=$(median ${ct[$size]})
    peak[$size]=$(peak_kb "$bin" -C "$work/check-$size" list --format json)
    say "  $size scenarios + $((size / 10)) aspects: list $(ms "${lmed[$size]}") ms, peak $(mb "${peak[$size]}") MB, $(calc '%.1f' "${lmed[$size]} / $size") µs per scenario; check $(ms "${cmed[$size]}") ms (${judged[$size]})"
    EXTRA+=("| $(k $size) | $((size / 10)) | $((size / 10)) | $(ms "${lmed[$size]}") | $(mb "${peak[$size]}") | $(calc '%.1f' "${lmed[$size]} / $size") | $(ms "${cmed[$size]}") | ${judged[$size]} |")
  done
  local last=${sizes[-1]} prev=${sizes[-2]}
  row "growth: list time, $(k $last) scen" "- (shows growth)" "$(ms "${lmed[$last]}") ms" "$(ms "${lmed[$prev]}") ms at $(k $prev)" \
    "$(calc '%.1fx' "${lmed[$last]} / ${lmed[$prev]}") for $((last / prev))x" "-"
  row "growth: list peak memory, $(k $last) scen" "- (shows growth)" "$(mb "${peak[$last]}") MB" "$(mb "${peak[$prev]}") MB at $(k $prev)" \
    "$(calc '%.1fx' "${peak[$last]} / ${peak[$prev]}") for $((last / prev))x" "-"
  row "growth: check time, $(k $last) scen" "- (shows growth)" "$(ms "${cmed[$last]}") ms" "$(ms "${cmed[$prev]}") ms at $(k $prev)" \
    "$(calc '%.1fx' "${cmed[$last]} / ${cmed[$prev]}") for $((last / prev))x" "-"
}

# ---------------------------------------------------------------- the store's bound

# The size of .specctl/ (state.db and its WAL) after 100 checks and after 1,000 of a project of
# 100 scenarios, 10 of them failing, with the default `store.keep: 100`: the same, within 10%.
bench_store() {
  local few=100 many=1000 p i few_bytes=0 many_bytes
  ((tiny)) && few=5 many=20
  p=$(project store --files 10 --scenarios 10 --fail-count 10) || return 1
  rm -rf "$p/.specctl"
  ((tiny)) && printf 'store:\n  keep: 5\n' >> "$p/specctl.yaml"
  store_bytes() { cat "$p/.specctl/state.db" "$p/.specctl/state.db-wal" 2> /dev/null | wc -c; }
  for ((i = 1; i <= many; i++)); do
    "$bin" -C "$p" check --quiet > /dev/null 2>&1
    (($? > 1)) && { say "  store: check $i failed"; return 1; }
    ((i == few)) && few_bytes=$(store_bytes)
  done
  many_bytes=$(store_bytes)
  say "  store: $((few_bytes / 1024)) KB after $few checks, $((many_bytes / 1024)) KB after $many"
  row "store: size after $(k $many) checks" "<= 1.1x its size after $few" "$((many_bytes / 1024)) KB" \
    "$((few_bytes / 1024)) KB after $few" "$(calc '%.2fx' "$many_bytes / $few_bytes")" "$(yesno "$many_bytes <= 1.1 * $few_bytes")"
}

# ---------------------------------------------------------------- 4. watch latency

# Under `specctl watch --format json` (100 ms debounce), a spec is saved (one step of one
# scenario changed) SAVES times; the latency from each save to the runner starting (goal:
# within the debounce + 30 ms), and to watch printing the observation, at 1k and 10k
# scenarios; then the same with the web board served (`--serve`), to the board's server-sent
# event that the page renders.
bench_watch() {
  local sizes=(1000 10000) saves=15 size p out
  ((tiny)) && sizes=(100) saves=3
  for size in "${sizes[@]}"; do
    p=$(project "watch-$size" --files $((size / 10)) --scenarios 10 --timestamps) || return 1
    out=$(python3 "$root/benches/watch_driver.py" "$bin" "$p" "$saves") || { say "  watch_driver failed at $size scenarios"; return 1; }
    echo "$out" > "$work/watch-$size.json"
    local st rs
    st=$(json_get "$work/watch-$size.json" '"%.1f %.1f" % (sorted(d["start_ms"])[len(d["start_ms"]) // 2], max(d["start_ms"]))')
    rs=$(json_get "$work/watch-$size.json" '"%.1f %.1f" % (sorted(d["result_ms"])[len(d["result_ms"]) // 2], max(d["result_ms"]))')
    say "  $size scenarios, $saves saves: save -> runner start median ${st% *} ms (max ${st#* }), save -> observation printed median ${rs% *} ms (max ${rs#* })"
    row "watch: save -> evidence start, $(k $size) scen" "<= 130 ms (debounce + 30)" "${st% *} ms" "100 ms (the debounce)" \
      "$(calc '%.2fx' "${st% *} / 100")" "$(yesno "${st% *} <= 130")"
    row "watch: save -> result printed, $(k $size) scen" "- (none set)" "${rs% *} ms" "100 ms (the debounce)" "$(calc '%.2fx' "${rs% *} / 100")" "-"
    # The same saves with the web board served: the latency to the page's event.
    out=$(python3 "$root/benches/watch_driver.py" "$bin" "$p" "$saves" --board) || { say "  watch_driver --board failed at $size scenarios"; return 1; }
    echo "$out" > "$work/watch-board-$size.json"
    local pg
    pg=$(json_get "$work/watch-board-$size.json" '"%.1f %.1f" % (sorted(d["page_ms"])[len(d["page_ms"]) // 2], max(d["page_ms"]))')
    say "  $size scenarios, $saves saves, --serve: save -> board event on the page median ${pg% *} ms (max ${pg#* })"
    row "watch --serve: save -> page event, $(k $size) scen" "- (none set)" "${pg% *} ms" "100 ms (the debounce)" "$(calc '%.2fx' "${pg% *} / 100")" "-"
  done
}

# ---------------------------------------------------------------- 7. audit

# `specctl audit --mutants --jobs <cores>` on a generated Python project (benches/audit_project.py:
# src/calc.py of 12 functions, one aspect whose evidence checks them all), against its floor: one
# evidence run per mutant, `cores` at a time = mutants × (the evidence command alone) ÷ cores;
# and, beside it, the same number of evidence runs by `xargs -P <cores>`, which says how near
# that floor the machine itself can come just then. Once with instant evidence (one python3
# process), once with evidence that takes 0.2 s more.
bench_audit() {
  local functions=12 sleeps=(0 0.2) n=$((runs < 3 ? runs : 3)) sleep
  ((tiny)) && functions=2 sleeps=(0)
  for sleep in "${sleeps[@]}"; do
    local p=$work/audit-$sleep out=$work/audit-$sleep.json cmd
    python3 "$root/benches/audit_project.py" --out "$p" --functions $functions --sleep "$sleep" > /dev/null \
      || { say "  audit_project.py failed"; return 1; }
    cmd=$(< "$p/evidence-command.txt")
    (cd "$p" && sh -c "$cmd") > /dev/null 2>&1 || { say "  the evidence fails on the unmutated project"; return 1; }
    (
      cd "$p" || exit 1
      local t rc m a=() e=() x=() i j
      for ((i = 0; i < n; i++)); do
        time_us t "$bin" audit --mutants --format json --output "$out" --jobs "$cores"
        rc=$?
        ((rc <= 1)) || { say "  specctl audit --mutants exited $rc"; exit 1; }
        a+=("$t")
        # The evidence alone, as specctl runs it (sh -c, from the root), 3 times a round.
        for ((j = 0; j < 3; j++)); do
          time_us t sh -c "$cmd" || { say "  the evidence failed"; exit 1; }
          e+=("$t")
        done
        # And as many evidence runs as there were mutants, `cores` at a time (xargs -P): the
        # floor as this machine can reach it now (a loaded machine runs fewer than `cores` at once).
        m=$(json_get "$out" 'd["summary"]["mutants"]')
        time_us t sh -c "yes '$cmd' | head -n $m | xargs -d '\n' -n 1 -P $cores sh -c" || { say "  the xargs floor failed"; exit 1; }
        x+=("$t")
      done
      printf '%s\n' "$(median "${a[@]}")" "$(median "${e[@]}")" "$(median "${x[@]}")" "$(spread "${a[@]}")" "$(spread "${e[@]}")" "$(spread "${x[@]}")"
    ) > "$work/audit.out" || return 1
    local am em xm as es xs mutants survived base tested floor label
    { read -r am; read -r em; read -r xm; read -r as; read -r es; read -r xs; } < "$work/audit.out"
    read -r mutants survived base tested < <(json_get "$out" \
      '"%d %d %s %.0f" % (d["summary"]["mutants"], d["summary"]["survived"], d["summary"].get("baseline_ms"), 1000 * sorted(m["duration_ms"] for m in d["mutants"])[len(d["mutants"]) // 2] if d["mutants"] else 0)')
    ((mutants > 0)) || { say "  specctl made no mutant of the project"; return 1; }
    floor=$(calc '%.0f' "$mutants * $em / $cores")
    label="instant evidence"
    [[ $sleep != 0 ]] && label="evidence + ${sleep} s"
    say "  $mutants mutants ($survived survived), --jobs $cores: audit $(ms "$am") ms ($as), evidence alone $(ms "$em") ms ($es), medians of $n and $((3 * n));" \
      "floor $mutants x $(ms "$em") / $cores = $(ms "$floor") ms; $mutants evidence runs by xargs -P $cores $(ms "$xm") ms ($xs);" \
      "in the audit: its baseline ${base} ms, a mutant's observation $(ms "$tested") ms (median)"
    row "audit: $mutants mutants, $label" "<= 1.1x floor" "$(ms "$am") ms" \
      "$(ms "$floor") ms ($mutants x $(ms "$em") ms / $cores); xargs -P $cores $(ms "$xm") ms" \
      "$(calc '%.2fx' "$am / $floor"); $(calc '%.2fx' "$am / $xm") vs xargs" "$(yesno "$am <= 1.1 * $floor")"
  done
}

# ---------------------------------------------------------------- 8. mutmut

# The folder of the real projects' tarballs, found as tests/real_projects.rs finds it.
real_projects() {
  if [[ -n ${SPECCTL_REAL_PROJECTS:-} ]]; then
    [[ -d $SPECCTL_REAL_PROJECTS ]] && echo "$SPECCTL_REAL_PROJECTS"
    return
  fi
  local d=$root
  while :; do
    [[ -d $d/shared/real-projects ]] && { echo "$d/shared/real-projects"; return; }
    [[ $d == / ]] && return
    d=$(dirname "$d")
  done
}

# The bin/ of a venv with benches/mutmut-requirements.txt installed (installing it on first use,
# unless NO_INSTALL is set); its status is 1 where there is none.
mutmut_tools() {
  local venv=$tools/mutmut-venv marker req=$root/benches/mutmut-requirements.txt
  marker=$venv/.installed-$(cksum < "$req" | cut -d' ' -f1)
  if [[ ! -f $marker ]]; then
    [[ -n ${NO_INSTALL:-} ]] && return 1
    say "  installing benches/mutmut-requirements.txt into $venv"
    rm -rf "$venv"
    { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$req"; } >&2 \
      || return 1
    touch "$marker"
  fi
  echo "$venv/bin"
}

# One pytest-bdd project (vending-machine-pytest-bdd, 9 scenarios that are pytest tests, its 3
# modules of logic) mutated by both: `specctl audit --mutants --jobs <cores>` (one pytest run a
# mutant, in scratch copies) and mutmut 3's `mutmut run --max-children <cores>` (forks of one
# pytest process, trampolines), timed interleaved; each one's mutants and survivors, and the
# source lines where each left a mutant alive. --tiny installs nothing and mutates one module.
bench_mutmut() {
  local tarball=vending-machine-pytest-bdd.tar.xz dir venv n=$((runs < 3 ? runs : 3))
  local files=(vending_machine.py payments.py data_access_objects.py)
  ((tiny)) && files=(data_access_objects.py)
  dir=$(real_projects)
  if [[ -z $dir || ! -f $dir/$tarball ]]; then
    say "  $tarball not found (looked in ${SPECCTL_REAL_PROJECTS:-shared/real-projects above $root}; set SPECCTL_REAL_PROJECTS)"
    row "mutmut: vs specctl audit" "- (comparison)" "unavailable: no $tarball" "-" "-" "-"
    return 0
  fi
  if ! venv=$( ((tiny)) && export NO_INSTALL=1; mutmut_tools); then
    local why="pip could not install benches/mutmut-requirements.txt"
    ((tiny)) && why="skipped in --tiny: its tools are not installed (a full run installs them)"
    say "  $why"
    row "mutmut: vs specctl audit" "- (comparison)" "unavailable: $why" "-" "-" "-"
    return 0
  fi
  local s=$work/mutmut-specctl m=$work/mutmut-mutmut f mutate= paths=
  mkdir -p "$s" "$m" && tar -xJf "$dir/$tarball" -C "$s" && tar -xJf "$dir/$tarball" -C "$m" || return 1
  s=$s/vending-machine-pytest-bdd m=$m/vending-machine-pytest-bdd/vending
  for f in "${files[@]}"; do mutate+="${mutate:+, }\"vending/$f\"" paths+=$'\n'"  $f"; done
  # specctl: the 9 scenarios of vending/features, proven by one pytest run (Cucumber JSON).
  # No bytecode is written: a mutant the size of the original, written within the second, would
  # otherwise be run from the original's stale .pyc.
  local pytest run
  pytest="PYTHONDONTWRITEBYTECODE=1 $(printf %q "$venv/python") -m pytest -q -p no:cacheprovider vending"
  run=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$pytest --cucumberjson={report}")
  cat > "$s/specctl.yaml" << YAML
specs: ["vending/features/*.feature"]
evidence:
  default:
    run: $run
    report: cucumber-json
    inputs: ["vending/*.py"]
audit:
  mutate: [$mutate]
YAML
  # mutmut: run in vending/, the folder its tests import the modules from (`from vending_machine
  # import ...`): mutmut 3 names a mutant by its module path from where it runs, and stops early
  # when the tests import the code under another name.
  # The modules it does not mutate (with --tiny) are copied beside the mutated ones.
  local copy=$'\n  features/' all=(vending_machine.py payments.py data_access_objects.py)
  for f in "${all[@]}"; do [[ " ${files[*]} " == *" $f "* ]] || copy+=$'\n'"  $f"; done
  printf '[mutmut]\nsource_paths=%s\nalso_copy=%s\n' "$paths" "$copy" > "$m/setup.cfg"
  (cd "$s" && "$bin" check > /dev/null 2>&1) || { say "  specctl check fails on the unmutated project"; return 1; }
  local t t2 rc sa=() ma=() pa=() i mutmut_error=
  for ((i = 0; i < n; i++)); do
    time_us t "$bin" -C "$s" audit --mutants --format json --output "$work/mutmut-specctl.json" --jobs "$cores"
    rc=$?
    ((rc <= 1)) || { say "  specctl audit --mutants exited $rc"; return 1; }
    sa+=("$t")
    # specctl's floor: the runner alone (pytest of the 9 scenarios), as specctl runs it.
    time_us t sh -c "cd $(printf %q "$s") && $pytest --cucumberjson=$(printf %q "$work/pytest.json")" \
      || { say "  pytest fails on the unmutated project"; return 1; }
    pa+=("$t")
    if [[ -z $mutmut_error ]]; then
      rm -rf "$m/mutants"
      now_us t
      (cd "$m" && "$venv/mutmut" run --max-children "$cores") > "$work/mutmut.log" 2>&1
      rc=$?
      now_us t2
      if ((rc != 0)); then
        mutmut_error="mutmut run exited $rc: $(tr '\r' '\n' < "$work/mutmut.log" | grep -v '^ *$' | tail -n 1 | cut -c1-120)"
        say "  $mutmut_error (log: $work/mutmut.log)"
      else
        ma+=("$((t2 - t))")
      fi
    fi
  done
  local sm pm sfloor smut skill ssurv slines
  sm=$(median "${sa[@]}") pm=$(median "${pa[@]}")
  read -r smut skill ssurv < <(json_get "$work/mutmut-specctl.json" '"%d %d %d" % (d["summary"]["mutants"], d["summary"]["killed"], d["summary"]["survived"])')
  sfloor=$(calc '%.0f' "$smut * $pm / $cores")
  json_get "$work/mutmut-specctl.json" '"\n".join("%s:%d" % fl for fl in sorted({(m["file"], m["line"]) for m in d["mutants"] if m["status"] == "survived"}))' > "$work/specctl-lines.txt"
  slines=$(grep -c . "$work/specctl-lines.txt")
  say "  specctl audit: $smut mutants, $skill killed, $ssurv survived, in $(ms "$sm") ms ($(spread "${sa[@]}")), --jobs $cores;" \
    "pytest alone $(ms "$pm") ms ($(spread "${pa[@]}")), so its floor is $smut x $(ms "$pm") / $cores = $(ms "$sfloor") ms"
  local floor_row=("mutmut: specctl audit vs its floor" "- (comparison)" "$(ms "$sm") ms (specctl)" \
    "$(ms "$sfloor") ms ($smut x $(ms "$pm") ms pytest / $cores)" "$(calc '%.2fx' "$sm / $sfloor")" "-")
  local files_label="${#files[@]} modules"
  ((${#files[@]} == 1)) && files_label="1 module"
  if [[ -n $mutmut_error || ${#ma[@]} == 0 ]]; then
    row "mutmut: time, vending-machine, $files_label" "- (comparison)" "$(ms "$sm") ms (specctl)" "could not run: ${mutmut_error:-no run}" "-" "-"
    row "mutmut: survivors of mutants" "- (comparison)" "$ssurv of $smut (specctl)" "could not run" "-" "-"
    row "${floor_row[@]}"
    return 0
  fi
  (cd "$m" && "$venv/mutmut" export-cicd-stats > /dev/null 2>&1) || { say "  mutmut export-cicd-stats failed"; return 1; }
  (cd "$m" && "$venv/mutmut" results --all true 2> /dev/null) | python3 "$root/benches/mutmut_lines.py" "$m" > "$work/mutmut-lines.json" \
    || { say "  reading mutmut's results failed"; return 1; }
  local mm mmut mkill msurv mother mlines both
  mm=$(median "${ma[@]}")
  read -r mmut mkill msurv mother < <(json_get "$m/mutants/mutmut-cicd-stats.json" \
    '"%d %d %d %d" % (d["total"], d["killed"], d["survived"], d["total"] - d["killed"] - d["survived"])')
  json_get "$work/mutmut-lines.json" '"\n".join("vending/%s:%d" % (f, l) for f, ls in sorted(d["survived_lines"].items()) for l in ls)' > "$work/mutmut-lines.txt"
  mlines=$(grep -c . "$work/mutmut-lines.txt")
  both=$(comm -12 <(sort "$work/specctl-lines.txt") <(sort "$work/mutmut-lines.txt") | grep -c .)
  say "  mutmut run: $mmut mutants, $mkill killed, $msurv survived, $mother other, in $(ms "$mm") ms ($(spread "${ma[@]}")), --max-children $cores; medians of $n"
  say "  lines with a survivor: specctl $(paste -sd' ' "$work/specctl-lines.txt"); mutmut $(paste -sd' ' "$work/mutmut-lines.txt")"
  row "mutmut: time, vending-machine, $files_label" "- (comparison)" "$(ms "$sm") ms (specctl)" "$(ms "$mm") ms (mutmut 3)" \
    "$(calc '%.2fx' "$sm / $mm")" "-"
  row "mutmut: time per mutant" "- (comparison)" "$(calc '%.0f' "$sm / 1000 / $smut") ms (specctl)" "$(calc '%.0f' "$mm / 1000 / $mmut") ms (mutmut 3)" \
    "$(calc '%.2fx' "($sm / $smut) / ($mm / $mmut)")" "-"
  local other=
  ((mother > 0)) && other=", $mother neither killed nor survived"
  row "mutmut: survivors of mutants" "- (comparison)" "$ssurv of $smut (specctl)" "$msurv of $mmut (mutmut 3)$other" \
    "$(calc '%.0f%%' "100 * $skill / $smut") vs $(calc '%.0f%%' "100 * $mkill / $mmut") killed" "-"
  row "mutmut: source lines with a survivor" "- (comparison)" "$slines (specctl)" "$mlines (mutmut 3)" "$both on both" "-"
  row "${floor_row[@]}"
}

# ---------------------------------------------------------------- 9. fan-out

# `specctl check` of 400 scenarios (100 files of 4) whose one runner takes 50 ms a scenario in
# scope, on one machine, against four `check --partition K/4` run at once (four machines of a
# CI matrix; the evidence sleeps, so this machine's cores are not what is shared) followed by
# `specctl merge` of their documents. The merged document must equal the whole run's by value
# (times aside): the same run, sliced.
fanout_same() {
  python3 - "$1" "$2" << 'EOF_PY'
import json, sys
def timeless(path):
    d = json.load(open(path))
    d["summary"].pop("duration_ms")
    for item in d["items"]:
        item.pop("duration_ms")
    return d
sys.exit(0 if timeless(sys.argv[1]) == timeless(sys.argv[2]) else 1)
EOF_PY
}
bench_fanout() {
  local files=100 n=$((runs < 3 ? runs : 3))
  ((tiny)) && files=4
  local items=$((files * 4)) p
  p=$(project "fanout-$items" --files $files --scenarios 4 --sleep-per-scenario 0.05) || return 1
  (
    cd "$p" || exit 1
    local t rc i k one=() four=() sizes
    for ((i = 0; i < n; i++)); do
      time_us t "$bin" check --format json --output whole.json
      rc=$?
      ((rc == 0)) || { say "  specctl check exited $rc"; exit 1; }
      one+=("$t")
      local s e
      now_us s
      for k in 1 2 3 4; do
        "$bin" check --partition "$k/4" --format json --output "slice-$k.json" > /dev/null 2>&1 &
      done
      wait
      "$bin" merge --format json --output merged.json slice-{1,2,3,4}.json > /dev/null || { say "  specctl merge failed"; exit 1; }
      now_us e
      four+=("$((e - s))")
      fanout_same whole.json merged.json || { say "  the merged document is not the whole run's"; exit 1; }
    done
    sizes=$(for k in 1 2 3 4; do json_get "slice-$k.json" 'd["summary"]["total"]'; done | paste -sd/)
    local om fm
    om=$(median "${one[@]}") fm=$(median "${four[@]}")
    say "  one machine: $(ms "$om") ms ($(spread "${one[@]}")); four slices at once + merge: $(ms "$fm") ms ($(spread "${four[@]}")); slices of $sizes items"
    # One line for the parent shell: the row's cells.
    echo "$om $fm $sizes"
  ) > "$work/fanout.row" || return 1
  local om fm sizes
  read -r om fm sizes < "$work/fanout.row"
  row "fanout: check $(k $items) scen, 4 slices at once + merge" ">= 2.5x faster" "$(ms "$fm") ms (slices $sizes)" \
    "$(ms "$om") ms (one machine)" "$(calc '%.2fx' "$om / $fm")" "$(yesno "$om >= 2.5 * $fm")"
}

# ---------------------------------------------------------------- the run

started=$SECONDS
if [[ -n ${SPECCTL_BIN:-} ]]; then
  bin=$(cd "$(dirname "$SPECCTL_BIN")" && pwd)/$(basename "$SPECCTL_BIN")
else
  say "building: cargo build --release --bin specctl"
  cargo build --release --quiet --bin specctl || { say "run.sh: the release build failed"; exit 1; }
  bin=$root/target/release/specctl
fi
[[ -x $bin ]] || { say "run.sh: no specctl binary at $bin"; exit 1; }

cpu=$(grep -m 1 'model name' /proc/cpuinfo 2> /dev/null | cut -d: -f2- | sed 's/^ *//')
memory=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2> /dev/null)
commit=$(git rev-parse --short HEAD 2> /dev/null)
git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2> /dev/null || commit="$commit + uncommitted changes to src/"
load=$(cut -d' ' -f1-3 /proc/loadavg 2> /dev/null)

failed=()
for b in "${BENCHMARKS[@]}"; do
  if ! declare -F "bench_$b" > /dev/null; then
    say "run.sh: no benchmark called $b (names: parse overhead batching prompt growth store watch audit mutmut fanout)"
    failed+=("$b")
    continue
  fi
  say "== $b$( ((tiny)) && echo ' (tiny)')"
  t0=$SECONDS
  if ! "bench_$b"; then
    say "  $b: COULD NOT RUN"
    failed+=("$b")
    row "$b" "-" "could not run" "-" "-" "-"
  fi
  say "  ($((SECONDS - t0)) s)"
done

echo
echo "machine: $cores cores (nproc), ${cpu:-unknown CPU}, ${memory:-unknown} memory, $(uname -sr); load average at start ${load:-unknown}"
echo "specctl: ${commit:-unknown commit}, $bin"
echo "mode: $( ((tiny)) && echo 'tiny (keeps the benchmarks working; judges nothing)' || echo full); medians of $runs run(s); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
{
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' benchmark goal figure baseline ratio met
  for i in "${!R_NAME[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${R_NAME[i]}" "${R_GOAL[i]}" "${R_FIG[i]}" "${R_BASE[i]}" "${R_RATIO[i]}" "${R_MET[i]}"
  done
} | awk -F '\t' '
  { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
  END {
    for (r = 1; r <= NR; r++) {
      line = "|"
      for (i = 1; i <= 6; i++) line = line sprintf(" %-" w[i] "s |", cell[r, i])
      print line
      if (r == 1) { line = "|"; for (i = 1; i <= 6; i++) { d = ""; for (k = 0; k < w[i] + 2; k++) d = d "-"; line = line d "|" } print line }
    }
  }'
if ((${#EXTRA[@]})); then
  echo
  echo "| scenarios | files | aspects | list ms | list peak MB | list µs/scenario | check ms | check verdicts |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${EXTRA[@]}"
fi
echo
echo "total: $((SECONDS - started)) s; $( ((tiny)) && echo "goals not judged" || echo "$missed goal(s) missed")${failed[*]:+; could not run: ${failed[*]}}"

((${#failed[@]})) && exit 1
((strict && !tiny && missed)) && exit 1
exit 0
