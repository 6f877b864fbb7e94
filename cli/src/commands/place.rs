//! `berth place PLAN.json [--from-current PLACED.json]`: where every task
//! goes, as JSON; placed afresh, or from the tasks a previous `berth place`
//! reported as running (they stay; only the difference starts or stops).

use berth_core::app::from_current::{from_current_report, running_from_report};
use berth_core::app::report::place_report;
use berth_core::place;

use crate::args::{Args, CommandError};
use crate::output::print_json;

/// Runs `berth place`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--from-current"])?;
    let plan = a.plan()?;
    match a.value("--from-current") {
        None => print_json(&place_report(&plan, &place(&plan))),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CommandError::Input(format!("{path}: cannot read: {e}")))?;
            let running = running_from_report(&text)
                .map_err(|e| CommandError::Input(format!("{path}: {e}")))?;
            print_json(&from_current_report(&plan, &running));
        }
    }
    Ok(0)
}
