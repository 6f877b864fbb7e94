//! The one error every reader returns: the JSON path of the field at fault
//! and what is wrong with it. It sits below the readers (load, caps, share,
//! import) so that none of them needs another to name an error.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A refused input: which field, and why, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadError {
    /// JSON path of the offending field, `$` for the document itself.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for LoadError {}
