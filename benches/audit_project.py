#!/usr/bin/env python3
"""Generate a small Python project for the `audit` benchmark: code to mutate, and evidence.

src/calc.py holds N functions of a few branches each (comparisons, arithmetic, boolean logic,
early returns); one aspect, aspects/calc.md, is proven by evidence/check_calc.py, which calls
every function on inputs either side of each branch and exits 1 on the first wrong answer.
`specctl audit --mutants` mutates src/calc.py (`audit.mutate`), so every mutant costs exactly
one evidence run: one `python3 evidence/check_calc.py`. With --sleep S the evidence sleeps S
seconds before its checks, standing for a slower suite's start-up. A few mutants are left to
survive on purpose (one branch in every fourth function is never taken by the checks), so the
run has survivors to report.

Besides the project it writes evidence-command.txt: the evidence command line, for timing it
alone from the project's root. Python 3 standard library only. Example:
  benches/audit_project.py --out /tmp/a --functions 12 --sleep 0.2
"""

import argparse
import os
import shutil
import sys


def function(i):
    """The text of function f<i> and the checks that pin it, as (source, [(args, expected)])."""
    k = i % 4
    if k == 0:
        src = f"""def f{i}(x, y):
    if x > y:
        return x - y
    if x == y:
        return {i}
    return y * 2 + x
"""
        ref = lambda x, y: x - y if x > y else (i if x == y else y * 2 + x)
        cases = [(5, 2), (3, 3), (1, 4)]
    elif k == 1:
        src = f"""def f{i}(n):
    total = 0
    for v in range(n):
        if v % 3 == 0:
            total += v
        else:
            total -= 1
    return total
"""

        def ref(n):
            total = 0
            for v in range(n):
                total = total + v if v % 3 == 0 else total - 1
            return total

        cases = [(0,), (4,), (7,)]
    elif k == 2:
        src = f"""def f{i}(a, b, flag):
    if flag and a >= b:
        return a
    if not flag or b < 0:
        return -b
    return a + b + {i}
"""

        def ref(a, b, flag):
            if flag and a >= b:
                return a
            if not flag or b < 0:
                return -b
            return a + b + i

        cases = [(3, 2, True), (2, 3, True), (2, 3, False), (1, -2, True), (2, 2, True)]
    else:
        # Its second branch is never taken by the checks: the mutants on it survive.
        src = f"""def f{i}(x, limit):
    if x <= limit:
        return True
    if x > limit * 100:
        return False
    return x - limit > {i % 5}
"""
        ref = lambda x, limit: x <= limit or (x <= limit * 100 and x - limit > i % 5)
        cases = [(1, 5), (20, 5), (6, 5)]
    return src, [(args, ref(*args)) for args in cases]


def main(argv):
    p = argparse.ArgumentParser(prog="audit_project.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="folder to write the project into (emptied first)")
    p.add_argument("--functions", type=int, default=12, metavar="N", help="functions (default 12)")
    p.add_argument("--sleep", type=float, default=0.0, metavar="SECONDS",
                   help="the evidence sleeps this long before its checks (default 0)")
    args = p.parse_args(argv)
    if args.functions < 1:
        p.error("--functions must be >= 1")
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    for d in ("src", "aspects", "evidence", "specs"):
        os.makedirs(os.path.join(args.out, d))

    sources, checks = [], []
    for i in range(args.functions):
        src, cases = function(i)
        sources.append(src)
        for call, expected in cases:
            checks.append(f"    check(calc.f{i}, {call!r}, {expected!r})")
    write(args.out, "src/calc.py", '"""Generated for the audit benchmark."""\n\n\n' + "\n\n".join(sources))
    # The sleep comes first, as a suite's start-up does: a mutant that fails a check pays it too.
    sleep = f"    time.sleep({args.sleep})\n" if args.sleep > 0 else ""
    write(args.out, "evidence/check_calc.py", f'''"""Checks every function of src/calc.py; exit 1 on the first wrong answer."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
import calc  # noqa: E402


def check(f, args, expected):
    got = f(*args)
    if got != expected:
        print(f"{{f.__name__}}{{args}} = {{got!r}}, expected {{expected!r}}")
        sys.exit(1)


def main():
{sleep}{chr(10).join(checks)}

main()
''')
    command = "python3 -B evidence/check_calc.py"
    write(args.out, "aspects/calc.md", f"""---
name: calc-is-right
evidence: {command}
timeout: 60s
inputs: ["src/**"]
---
Every function of src/calc.py gives the documented answer on both sides of each branch.
""")
    write(args.out, "specctl.yaml", 'specs: [specs]\naspects: [aspects]\naudit:\n  mutate: ["src/**"]\n')
    write(args.out, ".gitignore", "__pycache__/\n.specctl/\n")
    write(args.out, "evidence-command.txt", command + "\n")


def write(root, path, text):
    with open(os.path.join(root, path), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
