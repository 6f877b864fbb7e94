//! What the commands print: JSON, plain text, and the step table of a
//! deployment or scaling.

use std::fmt::Write;

use berth_core::simulate::Deployment;

/// Writes to stdout, ignoring a closed pipe (`berth place … | head`).
pub fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

pub fn print_json<T: serde::Serialize>(value: &T) {
    // Serialising our own report types cannot fail.
    out(&(serde_json::to_string_pretty(value).unwrap_or_default() + "\n"));
}

/// A deployment as JSON, or with `text` as a table of its steps.
pub fn print_deployment(d: &Deployment, text: bool) {
    if !text {
        print_json(d);
        return;
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {} → {}: desired {}, at least {} healthy, at most {} running or pending",
        d.service,
        d.old_task_definition,
        d.new_task_definition,
        d.desired_count,
        d.min_healthy,
        d.max_tasks
    );
    let _ = writeln!(
        s,
        "{:>6}  {:<58} {:>13}  {:>17}",
        "t (s)", "action", "old run/drain", "new pend/run/hlth"
    );
    for step in &d.steps {
        let _ = writeln!(
            s,
            "{:>6}  {:<58} {:>13}  {:>17}",
            step.t,
            truncate(&step.action, 58),
            format!("{}/{}", step.old.running, step.old.draining),
            format!(
                "{}/{}/{}",
                step.new.pending, step.new.running, step.new.healthy
            )
        );
        for e in &step.events {
            let _ = writeln!(s, "{:>6}  event: {e}", "");
        }
    }
    let outcome = d.outcome.describe();
    let _ = writeln!(s, "outcome: {outcome}");
    out(&s);
}

fn truncate(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        text.chars().take(n - 1).collect::<String>() + "…"
    }
}
