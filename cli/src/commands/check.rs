//! `berth check PLAN.json [--json]`: validation, JVM and placement findings;
//! exit 1 when any is an error or a task cannot be placed.

use std::fmt::Write;

use berth_core::app::report::{check_report, CheckReport};
use berth_core::rules::Severity;

use crate::args::{Args, CommandError};
use crate::output::{out, print_json};

/// Runs `berth check`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--json"])?;
    let plan = a.plan()?;
    let report = check_report(&plan);
    if a.flag("--json") {
        print_json(&report);
    } else {
        print_text(&report);
    }
    Ok(if report.is_clean() { 0 } else { 1 })
}

fn print_text(r: &CheckReport) {
    let mut s = String::new();
    for f in &r.findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(s, "{sev} {} {}: {}", f.code, f.path, f.message);
    }
    for j in &r.jvm {
        let e = &j.estimate;
        let _ = writeln!(
            s,
            "jvm {} / {}: heap {:.0} + metaspace {:.0} + stacks {:.0} ({} threads) + code cache {:.0} + direct {:.0} + overhead {:.0} = {:.0} MiB against {} [heuristic] → {:?}",
            j.task_definition, e.container, e.heap, e.metaspace, e.thread_stacks, e.threads, e.code_cache, e.direct,
            e.overhead, e.required,
            e.hard_limit.map_or("no hard limit".to_string(), |l| format!("a {l} MiB hard limit")),
            e.severity
        );
    }
    for u in &r.unplaced {
        let _ = writeln!(
            s,
            "unplaced {} × {} [{}]: {}",
            u.count,
            u.owner.name(),
            u.reason.code(),
            u.message
        );
    }
    let _ = writeln!(
        s,
        "{} errors, {} warnings, {} unplaced tasks",
        r.errors,
        r.warnings,
        r.unplaced.iter().map(|u| u.count).sum::<u32>()
    );
    out(&s);
}
