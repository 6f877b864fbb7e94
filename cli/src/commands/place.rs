//! `berth place PLAN.json`: where every task goes, as JSON.

use berth_core::app::report::place_report;
use berth_core::place;

use crate::args::{Args, CommandError};
use crate::output::print_json;

/// Runs `berth place`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&[])?;
    let plan = a.plan()?;
    let placement = place(&plan);
    print_json(&place_report(&plan, &placement));
    Ok(0)
}
