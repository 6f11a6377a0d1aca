"""A deliberately small Gherkin runner (standard library only) for the example: it runs each
scenario's steps against evidence/steps.py and writes a JUnit report, as behave would."""

import argparse
import sys
import traceback
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from steps import STEPS  # noqa: E402

KEYWORDS = ("Given ", "When ", "Then ", "And ", "But ", "* ")


def table(lines, i):
    rows = []
    while i < len(lines) and lines[i].strip().startswith("|"):
        rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
        i += 1
    return rows, i


def scenarios(path):
    """Yields (feature, name, steps) for every scenario and Outline row of a feature file."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    feature, background, current, i = "", [], None, 0
    found = []
    while i < len(lines):
        text = lines[i].strip()
        i += 1
        if text.startswith("Feature:"):
            feature = text[len("Feature:"):].strip()
        elif text.startswith("Background:"):
            current = {"steps": background, "outline": False}
        elif text.startswith(("Scenario Outline:", "Scenario:")):
            outline = text.startswith("Scenario Outline:")
            name = text.split(":", 1)[1].strip()
            current = {"name": name, "steps": [], "outline": outline}
            found.append(current)
        elif text.startswith("Examples:") and current is not None:
            rows, i = table(lines, i)
            current["rows"] = [dict(zip(rows[0], r)) for r in rows[1:]]
        elif text.startswith(KEYWORDS) and current is not None:
            current["steps"].append(text.split(" ", 1)[1])
    for s in found:
        for values in s.get("rows", [{}]) if s["outline"] else [{}]:
            def fill(t):
                for k, v in values.items():
                    t = t.replace(f"<{k}>", v)
                return t
            yield feature, fill(s["name"]), [fill(t) for t in background + s["steps"]]


def run(steps):
    """Returns None when every step passes, else (kind, message)."""
    world = {}
    for text in steps:
        for pattern, fn in STEPS:
            m = pattern.match(text)
            if m:
                try:
                    fn(world, *m.groups())
                except AssertionError as e:
                    return "failure", f"Failing step: {text}\n{e}"
                except Exception:
                    return "error", f"Failing step: {text}\n{traceback.format_exc()}"
                break
        else:
            return "failure", f"Failing step: {text} ... undefined"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--junit", required=True)
    parser.add_argument("features", nargs="+")
    args = parser.parse_args()
    cases, failed = [], 0
    for path in args.features:
        for feature, name, steps in scenarios(path):
            outcome = run(steps)
            attrs = f"classname={quoteattr(feature)} name={quoteattr(name)}"
            if outcome is None:
                cases.append(f"  <testcase {attrs}/>")
                print(f"pass  {name}")
            else:
                failed += 1
                kind, message = outcome
                first = message.splitlines()[-1]
                cases.append(f"  <testcase {attrs}><{kind} message={quoteattr(first)}>{escape(message)}</{kind}></testcase>")
                print(f"FAIL  {name}\n      {first}")
    Path(args.junit).write_text("<testsuite>\n" + "\n".join(cases) + "\n</testsuite>\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
