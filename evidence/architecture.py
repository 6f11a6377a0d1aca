#!/usr/bin/env python3
"""The shape of specctl's src/, checked from its text: the evidence of aspects/layering.md
and aspects/short-functions.md. Usage: architecture.py layering|functions [SRC]."""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The loop's decisions: plain functions over data, no I/O of any kind.
PURE = {
    "reconcile/decide.rs",
    "reconcile/gate.rs",
    "reconcile/delta.rs",
    "reconcile/ledger.rs",
    "reconcile/prompt.rs",
    "reconcile/review.rs",
}
IO = re.compile(
    r"std::fs|std::process|std::net|std::io::(stdin|stdout|stderr)|tokio|rusqlite|"
    r"crate::process(?!::ProcessEnd\b)|crate::store|Command::new|\b(e?print(ln)?)!|std::env|SystemTime::now|Instant::now"
)
PRINT = re.compile(r"\b(e?print(ln)?)!\s*\(")
# Only the command line knows the command line.
CLI_ONLY = re.compile(r"\bclap\b")
# The Gherkin parser's state machine is a table of states, one arm each, kept whole.
LONG_ALLOWED = {"desired/gherkin/parser.rs"}
MAX_LINES = 80


def rust_files(src):
    for dirpath, _, names in os.walk(src):
        for name in sorted(names):
            if name.endswith(".rs"):
                path = os.path.join(dirpath, name)
                yield os.path.relpath(path, src).replace(os.sep, "/"), path


def strip(text):
    """The code without comments, string and char literals and `#[cfg(test)]` modules; every
    newline is kept, so line numbers and lengths stay true."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:]) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            j = text.find('"' + hashes, i + len(hashes) + 2)
            j = n if j < 0 else j + len(hashes) + 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.[^']{0,8}|[^\\'])'", text[i:]):
            j = text.index("'", i + 2 if text[i + 1] == "\\" else i + 1)
            if text[i + 1] == "\\":
                j = text.index("'", i + 2)
            out.append("' '")
            i = j + 1
        else:
            out.append(c)
            i += 1
    code = "".join(out)
    cut = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", code)
    return code[: cut.start()] if cut else code


def module_of(rel):
    """The room a file belongs to: `reconcile` for src/reconcile/*.rs, `cli` for src/cli.rs."""
    head = rel.split("/")[0]
    return head[:-3] if head.endswith(".rs") else head


def imports(code):
    """Top-level modules a file names through `crate::`."""
    found = set()
    for m in re.finditer(r"\bcrate::(\{[^}]*\}|\w+)", code):
        part = m.group(1)
        if part.startswith("{"):
            for name in re.findall(r"(?:^|[{,])\s*(\w+)", part):
                found.add(name)
        else:
            found.add(part)
    # `use super::x` inside a room stays in the room.
    return found


def layering(src):
    problems = []
    graph = {}
    for rel, path in rust_files(src):
        code = strip(open(path, encoding="utf-8").read())
        room = module_of(rel)
        used = {m for m in imports(code) if m != room and m not in ("self", "super")}
        graph.setdefault(room, set()).update(used)
        below_command = room not in ("command", "cli", "main", "lib")
        if below_command:
            for bad in ("cli", "command"):
                if bad in used:
                    problems.append(f"src/{rel}: imports crate::{bad}, but nothing below command/ may know the command line")
            for m in PRINT.finditer(code):
                line = code[: m.start()].count("\n") + 1
                problems.append(f"src/{rel}:{line}: prints ({m.group(1)}!); the library emits events or returns text, command/ prints")
        if room not in ("cli", "main") and CLI_ONLY.search(code):
            problems.append(f"src/{rel}: uses clap; clap derives live in src/cli.rs")
        if rel in PURE:
            for m in IO.finditer(code):
                line = code[: m.start()].count("\n") + 1
                problems.append(f"src/{rel}:{line}: `{m.group(0)}` is I/O in a pure module; pass the data in instead")
    rooms = {r for r in graph}
    for room in graph:
        graph[room] &= rooms
    problems.extend(cycles(graph))
    return problems


def cycles(graph):
    """Every circle among the rooms, each named once."""
    found, seen = [], set()

    def walk(node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                circle = path[path.index(nxt):] + [nxt]
                key = frozenset(circle)
                if key not in seen:
                    seen.add(key)
                    found.append("import circle: " + " -> ".join(circle))
            elif len(path) < 12:
                walk(nxt, path + [nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def functions(src):
    problems = []
    for rel, path in rust_files(src):
        if rel in LONG_ALLOWED:
            continue
        lines = open(path, encoding="utf-8").read().split("\n")
        code = strip("\n".join(lines)).split("\n")
        i = 0
        while i < len(code):
            m = re.match(r"\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)", code[i])
            if not m:
                i += 1
                continue
            depth, start, opened = 0, i, False
            j = i
            while j < len(code):
                for ch in code[j]:
                    if ch == "{":
                        depth += 1
                        opened = True
                    elif ch == "}":
                        depth -= 1
                if opened and depth == 0:
                    break
                if not opened and code[j].rstrip().endswith(";"):
                    break
                j += 1
            length = j - start + 1
            if opened and length > MAX_LINES:
                problems.append(f"src/{rel}:{start + 1}: fn {m.group(6)} is {length} lines (at most {MAX_LINES}); split it")
            i = j + 1 if opened else i + 1
    return problems


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "layering"
    src = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "src")
    problems = layering(src) if what == "layering" else functions(src)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) with the shape of src/", file=sys.stderr)
        return 1
    print("src/ keeps its shape" if what == "layering" else f"every function in src/ fits in {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
