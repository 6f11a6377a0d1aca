//! The project specctl works on: its root folder (the nearest with a specctl.yaml) and its
//! configuration, read once.

use crate::InputError;
use crate::config::{self, Config};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    /// A specctl.yaml that could not be read; `config` is then the default, so that
    /// commands that only read can still show what they can.
    pub config_error: Option<InputError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("cannot use `{}` as the project folder: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Project {
    /// Opens the project that `start` (or the current folder) is in: the nearest ancestor
    /// holding a specctl.yaml, else `start` itself.
    pub fn open(start: Option<&Path>) -> Result<Project, ProjectError> {
        let start = match start {
            Some(dir) => dir.to_path_buf(),
            None => std::env::current_dir().map_err(|source| ProjectError::Folder {
                path: PathBuf::from("."),
                source,
            })?,
        };
        let start = start
            .canonicalize()
            .map_err(|source| ProjectError::Folder {
                path: start.clone(),
                source,
            })?;
        if !start.is_dir() {
            return Err(ProjectError::Folder {
                path: start,
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
            });
        }
        let root = start
            .ancestors()
            .find(|dir| dir.join(config::FILE_NAME).is_file())
            .unwrap_or(&start)
            .to_path_buf();
        let (config, config_error) = match Config::load(&root) {
            Ok(config) => (config, None),
            Err(err) => (Config::default(), Some(err)),
        };
        Ok(Project {
            root,
            config,
            config_error,
        })
    }
}
