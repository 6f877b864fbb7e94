//! `berth export PLAN.json --format F`: CloudFormation parameters, deploy
//! overrides, CodePipeline configuration, Ansible vars or the template; on
//! stderr, the NoEcho parameters left to deploy time and how to give them.

use berth_core::cfn::export::{export, notes, Format, FORMATS};
use berth_core::cfn::resolve;
use berth_core::cfn::template::Shape;

use crate::args::{Args, CommandError};
use crate::output::out;

/// Runs `berth export`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--format", "--inline", "--json", "--shape"])?;
    let plan = a.plan()?;
    let name = a.required("--format")?;
    let shape = match a.value("--shape") {
        None | Some("stack") => Shape::Stack,
        Some("services") => Shape::Services,
        Some(other) => {
            return Err(CommandError::Usage(format!(
                "export: unknown shape {other}; use stack (the whole stack) or services (into an existing cluster)"
            )))
        }
    };
    let format =
        Format::parse(name, a.flag("--inline"), a.flag("--json"), shape).ok_or_else(|| {
            CommandError::Usage(format!(
                "export: unknown format {name}; use one of {}",
                FORMATS.join(", ")
            ))
        })?;
    match export(&plan, format) {
        Ok(text) => {
            out(&text);
            // Beside the output, not in it: stdout stays what the tool reads.
            if let Some(note) = notes(&plan, &resolve(&plan).0, format) {
                for line in note.lines() {
                    eprintln!("berth: {line}");
                }
            }
            Ok(0)
        }
        Err(errors) => {
            for e in errors {
                eprintln!("berth: {}: {}", e.path, e.message);
            }
            Ok(1)
        }
    }
}
