//! `specctl init --example`: a small runnable project for someone who has none: the shop with
//! discount codes missing, its specs, an aspect, their evidence and a scripted demo agent.

use super::InitError;
use std::path::Path;

/// Every file of the example, with whether it is executable. The shop starts without
/// discount codes, so `check` shows a delta and `reconcile` closes it.
const FILES: [(&str, &str, bool); 9] = [
    ("specctl.yaml", include_str!("example/specctl.yaml"), false),
    (
        "specs/cart.feature",
        include_str!("../../examples/shop/specs/cart.feature"),
        false,
    ),
    (
        "aspects/money-in-cents.md",
        include_str!("../../examples/shop/aspects/money-in-cents.md"),
        false,
    ),
    (
        "evidence/run_features.py",
        include_str!("../../examples/shop/evidence/run_features.py"),
        false,
    ),
    (
        "evidence/steps.py",
        include_str!("../../examples/shop/evidence/steps.py"),
        false,
    ),
    (
        "src/shop.py",
        include_str!("../../examples/reconcile-demo/shop-without-discounts.py"),
        false,
    ),
    ("demo/agent", include_str!("example/agent"), true),
    (
        "demo/shop-with-discounts.py",
        include_str!("../../examples/shop/src/shop.py"),
        false,
    ),
    (".gitignore", ".specctl/\n__pycache__/\n", false),
];

/// Writes the example into `dir`, which must be new or empty; returns the files written.
pub fn write_example(dir: &Path) -> Result<Vec<&'static str>, InitError> {
    let occupied = std::fs::read_dir(dir).map(|mut entries| entries.next().is_some());
    if occupied.as_ref().is_ok_and(|&some| some) {
        return Err(InitError::NotEmpty(dir.to_path_buf()));
    }
    for (name, text, executable) in FILES {
        let path = dir.join(name);
        let parent = path.parent().unwrap_or(dir);
        let written = std::fs::create_dir_all(parent).and_then(|()| std::fs::write(&path, text));
        written.map_err(|source| InitError::Write {
            path: path.clone(),
            source,
        })?;
        if executable {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::Permissions::from_mode(0o755);
            std::fs::set_permissions(&path, mode)
                .map_err(|source| InitError::Write { path, source })?;
        }
    }
    Ok(FILES.iter().map(|(name, _, _)| *name).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_goes_into_an_empty_folder_only() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("shop");
        let files = write_example(&target).unwrap();
        assert_eq!(files.len(), FILES.len());
        assert!(target.join("specs/cart.feature").is_file());
        let config = crate::config::Config::parse(
            &std::fs::read_to_string(target.join("specctl.yaml")).unwrap(),
        )
        .unwrap();
        assert_eq!(config.agents.len(), 2);
        assert!(matches!(
            write_example(&target),
            Err(InitError::NotEmpty(_))
        ));
        // A file where a folder must go: the write fails, naming the path.
        std::fs::write(dir.path().join("blocked"), "x").unwrap();
        let err = write_example(&dir.path().join("blocked/shop")).unwrap_err();
        assert!(matches!(err, InitError::Write { .. }), "{err:?}");
        assert!(err.to_string().starts_with("cannot write "), "{err}");
    }
}
