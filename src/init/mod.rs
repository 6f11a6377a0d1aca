//! `specctl init`: adopt an existing project by finding its feature files and the runner it
//! already uses, and writing the specctl.yaml that runs them with exact reports.

pub mod detect;
mod example;
mod render;
mod scan;

pub use detect::{Detected, Found, Kind};
pub use example::write_example;

use std::path::{Path, PathBuf};

/// Why `init` could not adopt a project.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("cannot read the folder {}: {source}", .path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a folder: give the project's root folder", .0.display())]
    NotAFolder(PathBuf),
    #[error(
        "no .feature files under {} (looked for *.feature and *.feature.md, leaving out node_modules, target, virtualenvs, hidden folders and what .gitignore excludes): nothing to adopt; `specctl init --example DIR` writes a small project to start from",
        .0.display()
    )]
    NoFeatures(PathBuf),
    #[error("{} already exists, and init never overwrites it; this is what it would write (`specctl init --print` prints it alone):\n\n{yaml}", .path.display())]
    Exists { path: PathBuf, yaml: String },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not empty: `specctl init --example` writes into a new or empty folder", .0.display())]
    NotEmpty(PathBuf),
}

/// What `init` found and the specctl.yaml it makes of it.
#[derive(Debug)]
pub struct Adoption {
    pub detected: Detected,
    pub yaml: String,
}

/// Looks at the project at `root` and makes its specctl.yaml; writes nothing.
pub fn adopt(root: &Path) -> Result<Adoption, InitError> {
    let tree = scan::Tree::scan(root)?;
    let read = |file: &str| tree.read(file);
    let detected = detect::detect(&tree.files, &read);
    if detected.features.is_empty() {
        return Err(InitError::NoFeatures(root.to_path_buf()));
    }
    let yaml = render::specctl_yaml(&detected);
    Ok(Adoption { detected, yaml })
}

/// Writes `yaml` as `root/specctl.yaml`, never over an existing one, and adds `.specctl/`
/// to `.gitignore`. Returns whether `.gitignore` was changed.
pub fn write(root: &Path, yaml: &str) -> Result<bool, InitError> {
    let path = root.join(crate::config::FILE_NAME);
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let mut file = match created {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(InitError::Exists {
                path,
                yaml: yaml.to_string(),
            });
        }
        Err(source) => return Err(InitError::Write { path, source }),
    };
    use std::io::Write as _;
    file.write_all(yaml.as_bytes())
        .map_err(|source| InitError::Write {
            path: path.clone(),
            source,
        })?;
    ignore_state(root)
}

/// Appends `.specctl/` to `.gitignore` unless a line already ignores it.
fn ignore_state(root: &Path) -> Result<bool, InitError> {
    let path = root.join(".gitignore");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(InitError::Write { path, source }),
    };
    let ignored = text.lines().any(|l| {
        matches!(
            l.trim(),
            ".specctl" | ".specctl/" | "/.specctl" | "/.specctl/"
        )
    });
    if ignored {
        return Ok(false);
    }
    let separator = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let added = format!("{text}{separator}# specctl's own state\n.specctl/\n");
    std::fs::write(&path, added).map_err(|source| InitError::Write { path, source })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_never_overwrites_and_ignores_its_state_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "target/").unwrap();
        assert!(write(dir.path(), "specs: [specs]\n").unwrap());
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
            "target/\n# specctl's own state\n.specctl/\n"
        );
        match write(dir.path(), "specs: [other]\n") {
            Err(InitError::Exists { yaml, .. }) => assert_eq!(yaml, "specs: [other]\n"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join("specctl.yaml")).unwrap(),
            "specs: [specs]\n"
        );
        std::fs::remove_file(dir.path().join("specctl.yaml")).unwrap();
        assert!(!write(dir.path(), "specs: [specs]\n").unwrap());
    }

    #[test]
    fn a_folder_without_features_is_an_error_that_says_what_was_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("README.md"), "hi").unwrap();
        let err = adopt(dir.path()).unwrap_err();
        assert!(matches!(err, InitError::NoFeatures(_)));
        assert!(
            err.to_string()
                .contains("looked for *.feature and *.feature.md")
        );
    }
}
