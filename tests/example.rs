//! The bundled example (examples/shop) is real: its evidence runs its code, so it passes as
//! shipped and fails where the code is broken.

mod support;

use support::statuses;

use std::collections::BTreeMap;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        if name == ".specctl" || name == "__pycache__" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn example() -> support::Project {
    let p = support::Project::new();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop"),
        p.path(),
    );
    p
}

#[test]
fn the_shop_example_holds_as_shipped() {
    let run = example().run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let expected: BTreeMap<String, String> = [
        "specs/cart.feature::An empty cart costs nothing",
        "specs/cart.feature::1 apple at 50 cents cost 50 cents",
        "specs/cart.feature::3 pear at 40 cents cost 120 cents",
        "specs/cart.feature::A discount code takes ten percent off",
        "aspect:money-is-counted-in-cents",
    ]
    .iter()
    .map(|id| (id.to_string(), "pass".to_string()))
    .collect();
    assert_eq!(statuses(&run.json()), expected);
}

#[test]
fn the_shop_example_fails_where_its_code_is_broken() {
    let p = example();
    let shop = p.path().join("src/shop.py");
    let code = std::fs::read_to_string(&shop).unwrap();
    std::fs::write(
        &shop,
        code.replace("gross * self.percent_off // 100", "float(gross) * 0"),
    )
    .unwrap();
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    let s = statuses(&doc);
    assert_eq!(
        s["specs/cart.feature::A discount code takes ten percent off"],
        "fail"
    );
    assert_eq!(s["specs/cart.feature::An empty cart costs nothing"], "pass");
    assert_eq!(s["aspect:money-is-counted-in-cents"], "fail");
    let discount = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "A discount code takes ten percent off")
        .unwrap();
    assert!(
        discount["message"]
            .as_str()
            .unwrap()
            .contains("expected a total of 540 cents, got 600"),
        "{discount}"
    );
}

#[test]
fn the_reconcile_demo_converges_offline() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/reconcile-demo/run.sh");
    let output = std::process::Command::new("bash")
        .arg(script)
        .env("SPECCTL", env!("CARGO_BIN_EXE_specctl"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("escalate: no progress for 1 turn: escalating to agent `careful`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("converged after 2 turns ($0.0000 reported)"),
        "{stdout}"
    );
    assert!(stdout.contains(" src/shop.py | "), "{stdout}");
}
