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
    /// A template's parameters that have neither a value nor a Default: the
    /// import goes on once they are given (CloudFormation's "must have
    /// values"). Empty for every other error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<ParameterPrompt>,
}

impl LoadError {
    /// An error at `path` saying `message`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            path: path.into(),
            message: message.into(),
            needs: Vec::new(),
        }
    }
}

/// What a person needs to give one template parameter a value: the form
/// field the browser draws, the line the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParameterPrompt {
    /// The parameter's name.
    pub name: String,
    /// Its `Type`.
    pub kind: String,
    /// Its `Description`, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its `AllowedValues` (a choice rather than free text when not empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_values: Vec<String>,
    /// `NoEcho`: a secret, typed where it is not shown.
    #[serde(default)]
    pub no_echo: bool,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for LoadError {}
