#!/usr/bin/env python3
"""The source lines of mutmut 3's surviving mutants, for the `mutmut` benchmark.

Usage: mutmut results --all true | mutmut_lines.py DIR
Run from nothing in particular; DIR is the folder `mutmut run` ran in (it holds mutants/).
Reads the `NAME: STATUS` lines of `mutmut results`, and for every survivor finds the line it
changed: mutants/FILE.py.spans gives each mutant's and the original's function text in
mutants/FILE.py (1-based, inclusive, perhaps with blank lines before the `def`), the first line where the two differ is its offset
from the `def`, and the original file's `def` line (by ast, class and function name) says
where that is. Prints JSON: {"statuses": {STATUS: count}, "survived_lines": {"FILE": [line]}}.
Python 3 standard library only.
"""

import ast
import json
import os
import sys

SEP = "\u01c1"  # mutmut's separator in mangled method names: xǁClassǁmethod


def def_lines(path):
    """{(class or None, function): line of its def} for the top-level functions and methods."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    lines = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines[(None, node.name)] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines[(node.name, sub.name)] = sub.lineno
    return lines


def function(text, span, name):
    """The lines of function `name` from its `def` on: a span is 1-based and inclusive, and may
    begin with the blank lines before the `def`."""
    block = text[span[0] - 1:span[1]]
    at = next((i for i, line in enumerate(block) if f"def {name}(" in line), 0)
    return block[at:]


def main(argv):
    root = argv[0]
    statuses, survivors = {}, []
    for line in sys.stdin:
        name, sep, status = line.strip().rpartition(": ")
        if not sep or "__mutmut_" not in name:
            continue
        statuses[status] = statuses.get(status, 0) + 1
        if status == "survived":
            survivors.append(name)
    out = {}
    cache = {}
    for name in survivors:
        # The module may be dotted (pkg.mod): the mangled name starts at the last ".x".
        module, _, mangled = name.rpartition(".x")
        mangled = "x" + mangled
        file = module.replace(".", "/") + ".py"
        if file not in cache:
            mutated = os.path.join(root, "mutants", file)
            spans = json.load(open(mutated + ".spans", encoding="utf-8"))["spans"]
            text = open(mutated, encoding="utf-8").read().split("\n")
            cache[file] = (spans, text, def_lines(os.path.join(root, file)))
        spans, text, defs = cache[file]
        base = mangled.rpartition("__mutmut_")[0]
        if base.startswith("x" + SEP):
            cls, _, func = base[2:].partition(SEP)
        else:
            cls, func = None, base[2:]
        orig, mutant = spans.get(base + "__mutmut_orig"), spans.get(mangled)
        start = defs.get((cls, func))
        if not orig or not mutant or start is None:
            continue
        a, b = function(text, orig, base + "__mutmut_orig"), function(text, mutant, mangled)
        # Both start at their `def` line; the first line where they differ is the change.
        offset = next((i for i in range(1, max(len(a), len(b))) if i >= len(a) or i >= len(b) or a[i] != b[i]), 0)
        out.setdefault(file, set()).add(start + offset)
    print(json.dumps({"statuses": statuses, "survived_lines": {f: sorted(v) for f, v in sorted(out.items())}}))


if __name__ == "__main__":
    main(sys.argv[1:])
