use super::{Row, assert_rows, rows};
use crate::audit::Operator::*;

const PRICES: &str = r#""""Prices: the docstring is no call."""
# a comment: x == 1 and not y
def total(items, discount=None):
    if not items:
        return 0
    label = "total: " + str(len(items))
    subtotal = sum(i.price * i.qty for i in items)
    if discount is not None and subtotal > 100:
        subtotal -= discount
    log(label)
    return subtotal if subtotal >= 0 else 0
"#;

#[test]
fn a_function_gives_each_operator_where_it_applies() {
    let expected: &[Row] = &[
        (4, "not items", "True", ConditionForced),
        (4, "not items", "False", ConditionForced),
        (4, "not ", "", Logical),
        (5, "0", "None", ReturnDefault),
        (7, "*", "/", Arithmetic),
        (
            8,
            "discount is not None and subtotal > 100",
            "True",
            ConditionForced,
        ),
        (
            8,
            "discount is not None and subtotal > 100",
            "False",
            ConditionForced,
        ),
        (8, "is not", "is", Comparison),
        (8, "and", "or", Logical),
        (8, ">", "<=", Comparison),
        (8, ">", ">=", Comparison),
        (9, "-=", "+=", Arithmetic),
        (10, "log(label)", "pass", StatementRemoved),
        (
            11,
            "subtotal if subtotal >= 0 else 0",
            "None",
            ReturnDefault,
        ),
        (11, "subtotal >= 0", "True", ConditionForced),
        (11, "subtotal >= 0", "False", ConditionForced),
        (11, ">=", "<", Comparison),
        (11, ">=", ">", Comparison),
    ];
    assert_rows("src/prices.py", PRICES, expected);
}

const LOOPS: &str = r##"async def drain(queue, seen):
    while True:
        item = await queue.get()
        if item in seen or item == "":
            continue
        elif item.startswith("#"):
            await queue.task_done()
        seen.add(item)
        ok = False
    return
"##;

#[test]
fn loops_membership_elif_and_await() {
    let expected: &[Row] = &[
        // The forced condition and the flipped literal are one change: it is made once.
        (2, "True", "False", ConditionForced),
        (4, "item in seen or item == \"\"", "True", ConditionForced),
        (4, "item in seen or item == \"\"", "False", ConditionForced),
        (4, "in", "not in", Comparison),
        (4, "or", "and", Logical),
        (4, "==", "!=", Comparison),
        (6, "item.startswith(\"#\")", "True", ConditionForced),
        (6, "item.startswith(\"#\")", "False", ConditionForced),
        (7, "await queue.task_done()", "pass", StatementRemoved),
        (8, "seen.add(item)", "pass", StatementRemoved),
        (9, "False", "True", Boolean),
    ];
    assert_rows("lib/drain.py", LOOPS, expected);
}

#[test]
fn strings_and_sequences_are_not_computed_with() {
    let source = r#"banner = "=" * width
msg = "%s items" % count
both = "a" "b" + name
items = [0] * size + extra
fmt = f"{a + b} and {x == y}"
joined = prefix + ("-" + suffix)
"#;
    // `[0] * size` is a repetition; `+ extra` adds a list to it, which is no arithmetic
    // either, but only the literal operand is obvious.
    let expected: &[Row] = &[(4, "+", "-", Arithmetic)];
    assert_rows("a.py", source, expected);
}

#[test]
fn is_and_not_in_swap_back() {
    let source = "def f(a, b):\n    return a is b, a not in b, a <> b if False else 1\n";
    // `<>` is Python 2: the grammar reads it, but nothing swaps it.
    let found = rows("f.py", source);
    let swaps: Vec<_> = found
        .iter()
        .filter(|r| r.3 == Comparison)
        .map(|r| (r.1.as_str(), r.2.as_str()))
        .collect();
    assert_eq!(swaps, [("is", "is not"), ("not in", "in")]);
}
