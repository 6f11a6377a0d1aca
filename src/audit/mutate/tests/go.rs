use super::{Row, assert_rows};
use crate::audit::Operator::*;

const STOCK: &str = r#"package stock

import (
	"errors"
	"fmt"
)

// Restock when low: a == b in a comment stays.
func Restock(levels map[string]int, name string) (int, error) {
	level, ok := levels[name]
	if !ok {
		return 0, errors.New("unknown " + name)
	}
	if v, found := levels["x"]; found {
		return v, nil
	}
	for level < 10 {
		level += 5
	}
	fmt.Println("restocked", name)
	return level * 2, nil
}

func label(n int) string {
	if n > 1 && !quiet {
		return "many"
	}
	return fmt.Sprintf("%d", n-1)
}

type Box struct{ n int }

func (b *Box) Get() Box { return Box{b.n + 1} }
"#;

#[test]
fn go_gives_each_operator_that_still_builds() {
    let expected: &[Row] = &[
        // `ok` and `found` are used only by their conditions, and `v` only by its return:
        // forcing or zeroing those would leave a variable unused, which Go refuses.
        (11, "!", "", Logical),
        (
            12,
            "0, errors.New(\"unknown \" + name)",
            "0, nil",
            ReturnDefault,
        ),
        (17, "level < 10", "true", ConditionForced),
        (17, "level < 10", "false", ConditionForced),
        (17, "<", ">=", Comparison),
        (17, "<", "<=", Comparison),
        (18, "+=", "-=", Arithmetic),
        (20, "fmt.Println(\"restocked\", name)", "", StatementRemoved),
        (21, "level * 2, nil", "0, nil", ReturnDefault),
        (21, "*", "/", Arithmetic),
        (25, "n > 1 && !quiet", "true", ConditionForced),
        (25, "n > 1 && !quiet", "false", ConditionForced),
        (25, ">", "<=", Comparison),
        (25, ">", ">=", Comparison),
        (25, "&&", "||", Logical),
        (25, "!", "", Logical),
        (26, "\"many\"", "\"\"", ReturnDefault),
        (28, "fmt.Sprintf(\"%d\", n-1)", "\"\"", ReturnDefault),
        (28, "-", "+", Arithmetic),
        (33, "+", "-", Arithmetic),
    ];
    assert_rows("pkg/stock/stock.go", STOCK, expected);
}

#[test]
fn zero_values_by_result_type() {
    let source = r#"package z

func a() *int { return p }
func b() []string { return s }
func c() (n, m int64) { return 1, 2 }
func d() bool { return true }
func e() float64 { return 0 }
func f() (T, error) { return t, nil }
func g() { return }
"#;
    let expected: &[Row] = &[
        (3, "p", "nil", ReturnDefault),
        (4, "s", "nil", ReturnDefault),
        (5, "1, 2", "0, 0", ReturnDefault),
        // One change, made once: the return's zero and the flipped literal are the same.
        (6, "true", "false", ReturnDefault),
    ];
    assert_rows("z.go", source, expected);
}
