//! `berth export PLAN.json --format F`: CloudFormation parameters, deploy
//! overrides, CodePipeline configuration, Ansible vars or the template; on
//! stderr, the NoEcho parameters left to deploy time and how to give them.

use berth_core::cfn::export::{at_deploy_note, export, Format, FORMATS};
use berth_core::cfn::resolve;

use crate::args::{Args, CommandError};
use crate::output::out;

/// Runs `berth export`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--format", "--inline", "--json"])?;
    let plan = a.plan()?;
    let name = a.required("--format")?;
    let format = Format::parse(name, a.flag("--inline"), a.flag("--json")).ok_or_else(|| {
        CommandError::Usage(format!(
            "export: unknown format {name}; use one of {}",
            FORMATS.join(", ")
        ))
    })?;
    match export(&plan, format) {
        Ok(text) => {
            out(&text);
            // Beside the output, not in it: stdout stays what the tool reads.
            if let Some(note) = at_deploy_note(&resolve(&plan).0, format) {
                eprintln!("berth: {note}");
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
