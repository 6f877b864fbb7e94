//! `berth scale PLAN.json --service NAME --desired N [--text]`: scale out or in,
//! step by step.

use berth_core::simulate::{scale, Timing};

use crate::args::{Args, CommandError};
use crate::output::print_deployment;

/// Runs `berth scale`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--service", "--desired", "--text"])?;
    let plan = a.plan()?;
    let desired = a
        .number("--desired")?
        .ok_or_else(|| CommandError::Usage("scale: --desired is required".into()))?;
    let d = scale(&plan, a.required("--service")?, desired, Timing::default())
        .map_err(|e| CommandError::Input(format!("scale: {e}")))?;
    print_deployment(&d, a.flag("--text"));
    Ok(if d.outcome.is_completed() { 0 } else { 1 })
}
