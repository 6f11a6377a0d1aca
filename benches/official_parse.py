#!/usr/bin/env python3
"""The baseline of the parsing benchmark: the official Gherkin parser (PyPI `gherkin-official`)
on every .feature file under a folder, in one process.

Reads every file first, then times ONLY the loop that parses each file and compiles its
pickles (the official name for what specctl calls a scenario item). Prints one JSON line:
{"files": N, "pickles": P, "loop_ms": T}. The whole process is timed by the caller.

Usage: official_parse.py SPECS_DIR
"""

import json
import os
import sys
import time


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) == 2 else 2
    from gherkin.parser import Parser
    from gherkin.pickles.compiler import Compiler

    paths = []
    for folder, dirs, files in os.walk(sys.argv[1]):
        dirs.sort()
        paths.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(".feature"))
    sources = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            sources.append((path, fh.read()))

    parser, compiler = Parser(), Compiler()
    pickles = 0
    start = time.perf_counter()
    for path, text in sources:
        document = parser.parse(text)
        document["uri"] = path
        pickles += len(compiler.compile(document))
    loop_ms = (time.perf_counter() - start) * 1000.0
    print(json.dumps({"files": len(sources), "pickles": pickles, "loop_ms": round(loop_ms, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
