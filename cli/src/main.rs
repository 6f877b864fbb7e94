//! `berth`: the planner on the command line, for checking a plan in CI.
//!
//! Exit codes: 0 clean, 1 findings (errors or unplaced tasks), 2 unreadable
//! input or bad usage. Errors are one line naming the file, the JSON path and
//! the problem; never a panic or a backtrace.

use std::process::ExitCode;

use berth_core::report::{check_report, place_report, CheckReport};
use berth_core::{load_plan, place, Plan};

const USAGE: &str = "usage:
  berth place PLAN.json          print where every task goes, as JSON
  berth check PLAN.json [--json] validation, JVM and placement findings
exit: 0 clean, 1 errors or unplaced tasks, 2 bad input or usage";

enum Failure {
    Usage(String),
    Input(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(m)) => {
            eprintln!("berth: {m}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Input(m)) => {
            eprintln!("berth: {m}");
            ExitCode::from(2)
        }
    }
}

fn read_plan(path: &str) -> Result<Plan, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("{path}: cannot read: {e}")))?;
    load_plan(&text).map_err(|e| Failure::Input(format!("{path}: {e}")))
}

/// Writes to stdout, ignoring a closed pipe (`berth place … | head`).
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

fn print_json<T: serde::Serialize>(value: &T) {
    // Serialising our own report types cannot fail.
    out(&(serde_json::to_string_pretty(value).unwrap_or_default() + "\n"));
}

fn run(args: &[String]) -> Result<u8, Failure> {
    let (command, rest) = args
        .split_first()
        .ok_or_else(|| Failure::Usage("no command given".into()))?;
    let flags: Vec<&str> = rest
        .iter()
        .filter(|a| a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let files: Vec<&str> = rest
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let one_file = || match files.as_slice() {
        [f] => Ok(*f),
        [] => Err(Failure::Usage(format!(
            "{command}: which plan? give PLAN.json"
        ))),
        _ => Err(Failure::Usage(format!("{command}: one plan at a time"))),
    };
    let allow = |known: &[&str]| match flags.iter().find(|f| !known.contains(f)) {
        Some(f) => Err(Failure::Usage(format!("{command}: unknown option {f}"))),
        None => Ok(()),
    };
    match command.as_str() {
        "place" => {
            allow(&[])?;
            let plan = read_plan(one_file()?)?;
            let placement = place(&plan);
            print_json(&place_report(&plan, &placement));
            Ok(0)
        }
        "check" => {
            allow(&["--json"])?;
            let plan = read_plan(one_file()?)?;
            let report = check_report(&plan);
            if flags.contains(&"--json") {
                print_json(&report);
            } else {
                print_text(&report);
            }
            Ok(if report.is_clean() { 0 } else { 1 })
        }
        "help" | "--help" | "-h" => {
            out(&format!("{USAGE}\n"));
            Ok(0)
        }
        other => Err(Failure::Usage(format!("unknown command {other}"))),
    }
}

fn print_text(r: &CheckReport) {
    use std::fmt::Write;
    let mut s = String::new();
    for f in &r.findings {
        let sev = match f.severity {
            berth_core::validate::Severity::Error => "error",
            berth_core::validate::Severity::Warning => "warning",
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
