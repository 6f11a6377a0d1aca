use super::{Row, assert_rows};
use crate::audit::Operator::*;

const CART: &str = r#"// Cart totals: a == b in a comment stays
export function total(items, coupon) {
  if (!items.length) {
    return 0;
  }
  let sum = 0;
  for (const item of items) {
    sum += item.price * item.qty;
  }
  const label = "total: " + sum;
  log(`${sum + 1} items`, label);
  const valid = coupon !== undefined && coupon.amount > 0;
  return valid ? sum - coupon.amount : sum;
}
"#;

#[test]
fn javascript_gives_each_operator_where_it_applies() {
    let expected: &[Row] = &[
        (3, "!items.length", "true", ConditionForced),
        (3, "!items.length", "false", ConditionForced),
        (3, "!", "", Logical),
        (4, "0", "undefined", ReturnDefault),
        (8, "+=", "-=", Arithmetic),
        (8, "*", "/", Arithmetic),
        (11, "log(`${sum + 1} items`, label);", ";", StatementRemoved),
        (12, "!==", "===", Comparison),
        (12, "&&", "||", Logical),
        (12, ">", "<=", Comparison),
        (12, ">", ">=", Comparison),
        (13, "valid", "true", ConditionForced),
        (13, "valid", "false", ConditionForced),
        (
            13,
            "valid ? sum - coupon.amount : sum",
            "undefined",
            ReturnDefault,
        ),
        (13, "-", "+", Arithmetic),
    ];
    for file in [
        "web/cart.js",
        "web/cart.mjs",
        "web/cart.cjs",
        "web/cart.jsx",
    ] {
        assert_rows(file, CART, expected);
    }
}

const SCORE: &str = r#"interface Item { price: number; qty?: number }
type Flag = "on" | "off";
export async function score(items: Item[], flag: Flag): Promise<number> {
  let total: number = 0;
  do {
    total = total + items.length;
    await flush(total)
  } while (total < 10 && flag === "on");
  return <number>total % 3;
}
"#;

#[test]
fn typescript_types_are_not_code() {
    let expected: &[Row] = &[
        (6, "+", "-", Arithmetic),
        (7, "await flush(total)", ";", StatementRemoved),
        (8, "total < 10 && flag === \"on\"", "true", ConditionForced),
        (8, "total < 10 && flag === \"on\"", "false", ConditionForced),
        (8, "<", ">=", Comparison),
        (8, "<", "<=", Comparison),
        (8, "&&", "||", Logical),
        (8, "===", "!==", Comparison),
        (9, "<number>total % 3", "undefined", ReturnDefault),
        (9, "%", "*", Arithmetic),
    ];
    assert_rows("src/score.ts", SCORE, expected);
    assert_rows("src/score.mts", SCORE, expected);
}

#[test]
fn tsx_expressions_inside_elements() {
    let source = r#"export const Badge = ({ n }: { n: number }) => (
  <span className={n > 9 ? "many" : "few"}>{n === 0 || "none"} {true}</span>
);
"#;
    let expected: &[Row] = &[
        (2, "n > 9", "true", ConditionForced),
        (2, "n > 9", "false", ConditionForced),
        (2, ">", "<=", Comparison),
        (2, ">", ">=", Comparison),
        (2, "===", "!==", Comparison),
        (2, "||", "&&", Logical),
        (2, "true", "false", Boolean),
    ];
    assert_rows("ui/badge.tsx", source, expected);
}

#[test]
fn super_calls_and_void_returns_stay() {
    let source = "class A extends B {\n  constructor() {\n    super();\n    this.init();\n  }\n  f() { return void 0; }\n}\n";
    let expected: &[Row] = &[(4, "this.init();", ";", StatementRemoved)];
    assert_rows("a.js", source, expected);
}
