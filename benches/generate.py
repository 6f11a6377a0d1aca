#!/usr/bin/env python3
"""Generate a synthetic specctl project for the benchmarks.

The project holds N feature files, each with M plain Scenarios and O Scenario Outlines of E
Examples rows (so N * (M + O * E) scenario items), and K aspects. Every file looks like specs
people write: a tagged Feature with a description, a Background, three or four steps per
scenario, a data table on every 5th scenario and a doc string on every 7th.

Evidence is configurable: instant (the default), sleeping (--sleep), failing a given fraction
(--fail-fraction) or a given number (--fail-count) of the items, spread evenly over them. All
scenarios are proven by ONE runner (`default`, report: junit) that copies a prepared JUnit
report (cases.xml, every case named by file and line) to {report}; each aspect's evidence is
one shell command. Every evidence command, runner or aspect, appends a line to spawned.log
when it starts (with --timestamps, with its start time), so the processes a check spawns can
be counted. A .gitignore keeps what the evidence writes out of `specctl watch`'s sight.

Besides the project, the generator writes:
  cases.xml              the JUnit report the runner hands back
  console.log            with --console-log: a verbose runner log (one block per scenario),
                         which the runner prints, as a loop that forwards the whole log sees it
  baseline-commands.txt  the very same evidence commands, one per line, for `xargs -P`
  manifest.json          what was generated (counts, failing items, sizes in bytes)

Python 3 standard library only. Example:
  benches/generate.py --out /tmp/p --files 1000 --scenarios 6 --outlines 1 --rows 4 --aspects 1000
"""

import argparse
import json
import os
import shutil
import sys
from xml.sax.saxutils import quoteattr, escape

WORDS = (
    "account basket catalogue delivery discount invoice ledger order payment refund report "
    "session shipment stock subscription tariff voucher warehouse"
).split()


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="generate.py",
        description=__doc__.split("\n\n")[0],
        epilog="Counts: scenario items = files * (scenarios + outlines * rows); "
        "items = scenario items + aspects.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", required=True, help="folder to write the project into (emptied first)")
    p.add_argument("--files", type=int, default=10, metavar="N", help="feature files (default 10)")
    p.add_argument("--scenarios", type=int, default=10, metavar="M",
                   help="plain Scenarios per file (default 10)")
    p.add_argument("--outlines", type=int, default=0, metavar="O",
                   help="Scenario Outlines per file (default 0)")
    p.add_argument("--rows", type=int, default=4, metavar="E",
                   help="Examples rows per Outline, each one item (default 4)")
    p.add_argument("--aspects", type=int, default=0, metavar="K", help="aspect files (default 0)")
    p.add_argument("--sleep", type=float, default=0.0, metavar="SECONDS",
                   help="every evidence command (the runner and each aspect) sleeps this long "
                   "(default 0: instant)")
    p.add_argument("--sleep-per-scenario", type=float, default=0.0, metavar="SECONDS",
                   help="the runner also sleeps this long for each `Scenario:` of the feature "
                   "files it is given, as a serial test runner takes time per scenario (default 0)")
    fail = p.add_mutually_exclusive_group()
    fail.add_argument("--fail-fraction", type=float, default=0.0, metavar="F",
                      help="fraction of the items (scenarios and aspects) that fail, 0..1")
    fail.add_argument("--fail-count", type=int, default=None, metavar="C",
                      help="exact number of items that fail")
    p.add_argument("--console-log", action="store_true",
                   help="the runner prints a verbose log, one block per scenario")
    p.add_argument("--timestamps", action="store_true",
                   help="each evidence command writes its start time (ns, from `date +%%s%%N`) "
                   "on its spawned.log line, for latency measurements")
    p.add_argument("--no-runner", action="store_true",
                   help="define no evidence runner (scenarios are undefined): for list-only use")
    args = p.parse_args(argv)
    for name in ("files", "scenarios", "outlines", "rows", "aspects"):
        if getattr(args, name) < 0:
            p.error(f"--{name} must be >= 0")
    if not 0.0 <= args.fail_fraction <= 1.0:
        p.error("--fail-fraction must be within 0..1")
    if args.sleep < 0:
        p.error("--sleep must be >= 0")
    if args.sleep_per_scenario < 0:
        p.error("--sleep-per-scenario must be >= 0")
    return args


def failing_set(total, fraction, count):
    """Indices of the failing items, spread evenly over 0..total-1."""
    if count is None:
        count = round(total * fraction)
    count = max(0, min(count, total))
    if count == 0:
        return set()
    # The i-th failing item sits in the middle of the i-th of `count` equal stretches; with
    # one failing item, that is the first item (the one a reader looks for first).
    if count == 1:
        return {0}
    return {(i * total) // count for i in range(count)}


class FeatureWriter:
    """Writes one feature file and remembers the line and name of each item in it."""

    def __init__(self):
        self.lines = []
        self.items = []  # (line, name, steps as text)

    def add(self, text=""):
        self.lines.append(text)
        return len(self.lines)  # the 1-based line just written

    def text(self):
        return "\n".join(self.lines) + "\n"


def feature_file(f, args):
    w = FeatureWriter()
    area = WORDS[f % len(WORDS)]
    feature = f"Area {f}: {area} handling"
    w.add("# Generated by benches/generate.py")
    w.add(f"@area-{f} @{area}")
    w.add(f"Feature: {feature}")
    w.add(f"  As the owner of the {area} service")
    w.add(f"  I want every {area} rule written down")
    w.add("  So that a change that breaks one is caught at once")
    w.add("")
    w.add("  Background:")
    background = f"Given a clean {area} store for area {f}"
    w.add(f"    {background}")
    w.add("    And the clock is set to 2024-01-01 09:00")
    for s in range(1, args.scenarios + 1):
        w.add("")
        if s % 3 == 0:
            w.add("  @slow")
        name = f"case {s} of area {f}"
        line = w.add(f"  Scenario: {name}")
        steps = [f"Given a prepared {area} fixture number {s}"]
        w.add(f"    {steps[0]}")
        if s % 5 == 0:
            w.add("      | field    | value   |")
            w.add(f"      | id       | {s:<7} |")
            w.add(f"      | area     | {f:<7} |")
        steps.append(f"When the {area} operation {s} runs")
        w.add(f"    {steps[-1]}")
        if s % 7 == 0:
            w.add('      """json')
            w.add(f'      {{"area": {f}, "case": {s}, "{area}": true}}')
            w.add('      """')
        steps.append("Then the result matches the expectation")
        w.add(f"    {steps[-1]}")
        steps.append(f"And no {area} event is lost")
        w.add(f"    {steps[-1]}")
        w.items.append((line, name, [background] + steps))
    for o in range(1, args.outlines + 1):
        w.add("")
        w.add(f"  Scenario Outline: outline {o} of area {f} with <amount> {area}s")
        w.add(f"    Given a {area} of <amount> units")
        w.add("    When <count> of them are taken away")
        w.add("    Then <left> remain")
        w.add("")
        w.add("    Examples:")
        w.add("      | amount | count | left |")
        for r in range(1, args.rows + 1):
            amount, count = 10 * r + o, r
            line = w.add(f"      | {amount:<6} | {count:<5} | {amount - count:<4} |")
            name = f"outline {o} of area {f} with {amount} {area}s"
            steps = [background, f"Given a {area} of {amount} units",
                     f"When {count} of them are taken away", f"Then {amount - count} remain"]
            w.items.append((line, name, steps))
    return feature, w


def write(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "specs"))
    if args.aspects:
        os.makedirs(os.path.join(out, "aspects"))

    per_file = args.scenarios + args.outlines * args.rows
    n_scen = args.files * per_file
    total = n_scen + args.aspects
    failing = failing_set(total, args.fail_fraction, args.fail_count)

    cases = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
    cases.append(f'<testsuite name="generated" tests="{n_scen}" failures="'
                 f'{sum(1 for i in failing if i < n_scen)}">')
    console = []
    spec_bytes = 0
    index = 0
    failing_ids = []
    for f in range(1, args.files + 1):
        rel = f"specs/area{f:05d}.feature"
        feature, w = feature_file(f, args)
        text = w.text()
        spec_bytes += len(text.encode())
        write(os.path.join(out, rel), text)
        for line, name, steps in w.items:
            fails = index in failing
            attrs = (f"classname={quoteattr(feature)} name={quoteattr(name)} "
                     f"file={quoteattr(rel)} line=\"{line}\" time=\"0.001\"")
            if fails:
                failing_ids.append(f"{rel}::{name}")
                cases.append(
                    f"<testcase {attrs}><failure message=\"expected 42, got 41\" "
                    f"type=\"AssertionError\">{escape(f'Failing step: {steps[-1]}')}\n"
                    f"Location: {rel}:{line}\nAssertionError: expected 42, got 41"
                    f"</failure></testcase>")
            else:
                cases.append(f"<testcase {attrs}/>")
            if args.console_log:
                console.append(f"Scenario: {name}  # {rel}:{line}")
                for i, step in enumerate(steps):
                    if fails and i == len(steps) - 1:
                        console.append(f"  {step} ... failed in 0.001s")
                        console.append("    AssertionError: expected 42, got 41")
                    else:
                        console.append(f"  {step} ... passed in 0.001s")
                console.append("")
            index += 1
    cases.append("</testsuite>")
    write(os.path.join(out, "cases.xml"), "\n".join(cases) + "\n")

    scen_failing = any(i < n_scen for i in failing)
    stamp = " $(date +%s%N)" if args.timestamps else ""
    runner_parts = [f"echo runner{stamp} >> spawned.log"]
    if args.sleep > 0:
        runner_parts.append(f"sleep {args.sleep:g}")
    if args.sleep_per_scenario > 0:
        # Only the files in scope ({features}): a slice of the suite takes a slice of the time.
        runner_parts.append(
            "python3 -c 'import sys, time; time.sleep(%g * sum(open(f).read().count(\"Scenario:\") "
            "for f in sys.argv[1:]))' {features}" % args.sleep_per_scenario)
    if args.console_log:
        write(os.path.join(out, "console.log"), "\n".join(console) + "\n")
        runner_parts.append("cat console.log")
    runner_parts.append("cp cases.xml {report}")
    if scen_failing:
        runner_parts.append("exit 1")
    runner = "; ".join(runner_parts)

    baseline = []
    if n_scen and not args.no_runner:
        baseline.append(runner.replace("{report}", "baseline-report.xml"))
    for a in range(1, args.aspects + 1):
        fails = index in failing
        name = f"aspect-{a:05d}"
        if fails:
            failing_ids.append(f"aspect:{name}")
        cmd = f"echo aspect{stamp} >> spawned.log" + (f"; sleep {args.sleep:g}" if args.sleep > 0 else "")
        if fails:
            cmd += "; echo 'budget exceeded: 120 ms > 100 ms' >&2; exit 1"
        baseline.append(cmd)
        area = WORDS[a % len(WORDS)]
        write(os.path.join(out, "aspects", f"{name}.md"),
              "---\n"
              f"name: {name}\n"
              f"evidence: {json.dumps(cmd)}\n"
              "timeout: 30s\n"
              f'inputs: ["src/{area}/**"]\n'
              "---\n"
              f"The `{area}` module answers within its latency budget (aspect {a}).\n\n"
              "When this evidence fails, find the slow path it names and make it fast again;\n"
              "do not raise the budget.\n")
        index += 1
    write(os.path.join(out, "baseline-commands.txt"), "".join(c + "\n" for c in baseline))

    config = []
    if not args.no_runner:
        config += ["evidence:", "  default:", f"    run: {json.dumps(runner)}",
                   "    report: junit", "    timeout: 5m"]
    write(os.path.join(out, "specctl.yaml"), "\n".join(config) + "\n")
    # What the evidence and the baseline write is no input: `specctl watch` must not react to it.
    write(os.path.join(out, ".gitignore"), "spawned.log\nbaseline-report.xml\n.specctl/\n")

    manifest = {
        "files": args.files,
        "scenarios": n_scen,
        "aspects": args.aspects,
        "items": total,
        "failing": len(failing),
        "failing_ids": failing_ids[:20],
        "spec_bytes": spec_bytes,
        "cases_bytes": os.path.getsize(os.path.join(out, "cases.xml")),
        "console_bytes": (os.path.getsize(os.path.join(out, "console.log"))
                          if args.console_log else 0),
        "sleep": args.sleep,
        "sleep_per_scenario": args.sleep_per_scenario,
        "runner": None if args.no_runner else runner,
    }
    write(os.path.join(out, "manifest.json"), json.dumps(manifest, indent=1) + "\n")
    print(json.dumps({k: manifest[k] for k in ("files", "scenarios", "aspects", "items",
                                                "failing")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
