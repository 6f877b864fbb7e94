//! The command line as the commands read it: the command, the files, and
//! `--option value` pairs, with the usage errors each reader can give.

use berth_core::{load_plan, Plan};

/// Why a command could not run: bad usage (exit 2, with the usage text) or
/// unreadable input (exit 2, one line naming the file and the problem).
pub enum CommandError {
    Usage(String),
    Input(String),
}

/// Flags that take no value.
const SWITCHES: &[&str] = &["--json", "--text", "--legacy-threshold", "--inline"];

pub struct Args<'a> {
    pub command: &'a str,
    pub files: Vec<&'a str>,
    pub options: Vec<(&'a str, Option<&'a str>)>,
}

impl<'a> Args<'a> {
    pub fn parse(args: &'a [String]) -> Result<Args<'a>, CommandError> {
        let (command, rest) = args
            .split_first()
            .ok_or_else(|| CommandError::Usage("no command given".into()))?;
        let mut files = Vec::new();
        let mut options = Vec::new();
        let mut it = rest.iter();
        while let Some(a) = it.next() {
            if let Some((k, v)) = a.split_once('=').filter(|(k, _)| k.starts_with("--")) {
                options.push((k, Some(v)));
            } else if a.starts_with("--") {
                if SWITCHES.contains(&a.as_str()) {
                    options.push((a.as_str(), None));
                } else {
                    let v = it.next().ok_or_else(|| {
                        CommandError::Usage(format!("{command}: {a} needs a value"))
                    })?;
                    options.push((a.as_str(), Some(v.as_str())));
                }
            } else {
                files.push(a.as_str());
            }
        }
        Ok(Args {
            command,
            files,
            options,
        })
    }

    pub fn allow(&self, known: &[&str]) -> Result<(), CommandError> {
        match self.options.iter().find(|(k, _)| !known.contains(k)) {
            Some((k, _)) => Err(CommandError::Usage(format!(
                "{}: unknown option {k}",
                self.command
            ))),
            None => Ok(()),
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(k, _)| *k == name)
    }

    pub fn value(&self, name: &str) -> Option<&'a str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| *v)
    }

    pub fn required(&self, name: &str) -> Result<&'a str, CommandError> {
        self.value(name)
            .ok_or_else(|| CommandError::Usage(format!("{}: {name} is required", self.command)))
    }

    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, CommandError> {
        self.value(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    CommandError::Usage(format!(
                        "{}: {name} must be a whole number, not \"{v}\"",
                        self.command
                    ))
                })
            })
            .transpose()
    }

    pub fn on_off(&self, name: &str) -> Result<Option<bool>, CommandError> {
        match self.value(name) {
            None => Ok(None),
            Some("on" | "true") => Ok(Some(true)),
            Some("off" | "false") => Ok(Some(false)),
            Some(v) => Err(CommandError::Usage(format!(
                "{}: {name} takes on or off, not \"{v}\"",
                self.command
            ))),
        }
    }

    pub fn plan(&self) -> Result<Plan, CommandError> {
        match self.files.as_slice() {
            [f] => read_plan(f),
            [] => Err(CommandError::Usage(format!(
                "{}: which plan? give PLAN.json",
                self.command
            ))),
            _ => Err(CommandError::Usage(format!(
                "{}: one plan at a time",
                self.command
            ))),
        }
    }
}

/// The plan in `path`, or one line naming the file, the JSON path and the problem.
fn read_plan(path: &str) -> Result<Plan, CommandError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CommandError::Input(format!("{path}: cannot read: {e}")))?;
    load_plan(&text).map_err(|e| CommandError::Input(format!("{path}: {e}")))
}
