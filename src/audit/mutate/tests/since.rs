use super::super::changed_lines;
use std::collections::{BTreeMap, BTreeSet};

const DIFF: &str = r#"diff --git a/src/app.py b/src/app.py
index 83db48f..bf269f4 100644
--- a/src/app.py
+++ b/src/app.py
@@ -3,0 +4,2 @@ def f():
+    x = 1
+    y = 2
@@ -10 +12 @@ def g():
-    return 1
+    return 2
@@ -20,3 +22,0 @@ def h():
-    a()
-    b()
-    c()
diff --git a/old.py b/gone.py
deleted file mode 100644
index 83db48f..0000000
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x = 1
-y = 2
diff --git a/new file.go b/new file.go
new file mode 100644
index 0000000..bf269f4
--- /dev/null
+++ b/new file.go	
@@ -0,0 +1,3 @@
+package p
+++ tricky: a body line that looks like a header
+--- another
diff --git a/lib/a.rs b/lib/b.rs
similarity index 90%
rename from lib/a.rs
rename to lib/b.rs
index 1111111..2222222 100644
--- a/lib/a.rs
+++ b/lib/b.rs
@@ -5,2 +5,2 @@ fn main() {
-    a();
-    b();
+    c();
+    d();
\ No newline at end of file
diff --git a/lib/same.rs b/lib/moved.rs
similarity index 100%
rename from lib/same.rs
rename to lib/moved.rs
diff --git "a/caf\303\251 \"menu\".ts" "b/caf\303\251 \"menu\".ts"
index 1111111..2222222 100644
--- "a/caf\303\251 \"menu\".ts"
+++ "b/caf\303\251 \"menu\".ts"
@@ -1 +1 @@
-let a = 1;
+let a = 2;
@@ -0,0 +1 @@
+// at the very top
diff --git a/img.png b/img.png
index 1111111..2222222 100644
Binary files a/img.png and b/img.png differ
"#;

#[test]
fn changed_lines_of_a_real_looking_diff() {
    let lines = |l: &[usize]| l.iter().copied().collect::<BTreeSet<usize>>();
    let expected: BTreeMap<String, BTreeSet<usize>> = [
        // Added 4-5, changed 12, and 22-23 around the three deleted lines.
        ("src/app.py".to_string(), lines(&[4, 5, 12, 22, 23])),
        ("new file.go".to_string(), lines(&[1, 2, 3])),
        ("lib/b.rs".to_string(), lines(&[5, 6])),
        ("café \"menu\".ts".to_string(), lines(&[1])),
    ]
    .into_iter()
    .collect();
    assert_eq!(changed_lines(DIFF), expected);
}

#[test]
fn an_empty_or_odd_diff_changes_nothing() {
    assert!(changed_lines("").is_empty());
    assert!(
        changed_lines("@@ -1 +1 @@\n+x\n").is_empty(),
        "a hunk before any file"
    );
    assert!(changed_lines("+++ b/a.py\n@@ -x +y @@\n").is_empty());
    let deleted_at_top = "+++ b/a.py\n@@ -1,2 +0,0 @@\n-a\n-b\n";
    assert_eq!(changed_lines(deleted_at_top)["a.py"], [1].into());
}
