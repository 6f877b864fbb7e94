//! `berth`: the planner on the command line, for checking a plan in CI.
//!
//! Exit codes: 0 clean, 1 findings (errors or unplaced tasks), 2 unreadable
//! input or bad usage. Errors are one line naming the file, the JSON path and
//! the problem; never a panic or a backtrace.

use std::process::ExitCode;

use berth_core::app::report::{check_report, place_report, CheckReport};
use berth_core::cfn::export::{export, Format, FORMATS};
use berth_core::input::import::import;
use berth_core::model::CircuitBreaker;
use berth_core::simulate::{
    deploy, run_task, scale, Change, DeployOptions, Deployment, Outcome, ThresholdRule, Timing,
};
use berth_core::{load_plan, place, Plan};

const USAGE: &str = "usage:
  berth place PLAN.json           print where every task goes, as JSON
  berth check PLAN.json [--json]  validation, JVM and placement findings
  berth deploy PLAN.json --service NAME [--image IMAGE|:TAG] [--min-healthy N] [--max-percent N]
               [--memory MIB] [--cpu UNITS] [--host-port N] [--deregistration-delay S]
               [--fail-new N|all] [--circuit-breaker on|off] [--rollback on|off] [--legacy-threshold] [--text]
                                  a rolling deployment, step by step (JSON, or a table with --text)
  berth scale PLAN.json --service NAME --desired N [--text]
  berth run-task PLAN.json --task-definition FAMILY[:REV] [--seconds S]
  berth export PLAN.json --format cfn-parameters|deploy-overrides|codepipeline|ansible|template [--inline] [--json]
  berth import FILE [--param KEY=VALUE]...   a Berth plan, ECS task definition or CloudFormation template → plan JSON
exit: 0 clean / completed / placed, 1 errors, unplaced, stalled, failed or rolled back, 2 bad input or usage";

/// Flags that take no value.
const SWITCHES: &[&str] = &["--json", "--text", "--legacy-threshold", "--inline"];

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

struct Args<'a> {
    command: &'a str,
    files: Vec<&'a str>,
    options: Vec<(&'a str, Option<&'a str>)>,
}

impl<'a> Args<'a> {
    fn parse(args: &'a [String]) -> Result<Args<'a>, Failure> {
        let (command, rest) = args
            .split_first()
            .ok_or_else(|| Failure::Usage("no command given".into()))?;
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
                    let v = it
                        .next()
                        .ok_or_else(|| Failure::Usage(format!("{command}: {a} needs a value")))?;
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

    fn allow(&self, known: &[&str]) -> Result<(), Failure> {
        match self.options.iter().find(|(k, _)| !known.contains(k)) {
            Some((k, _)) => Err(Failure::Usage(format!(
                "{}: unknown option {k}",
                self.command
            ))),
            None => Ok(()),
        }
    }

    fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(k, _)| *k == name)
    }

    fn value(&self, name: &str) -> Option<&'a str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| *v)
    }

    fn required(&self, name: &str) -> Result<&'a str, Failure> {
        self.value(name)
            .ok_or_else(|| Failure::Usage(format!("{}: {name} is required", self.command)))
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Failure> {
        self.value(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    Failure::Usage(format!(
                        "{}: {name} must be a whole number, not \"{v}\"",
                        self.command
                    ))
                })
            })
            .transpose()
    }

    fn on_off(&self, name: &str) -> Result<Option<bool>, Failure> {
        match self.value(name) {
            None => Ok(None),
            Some("on" | "true") => Ok(Some(true)),
            Some("off" | "false") => Ok(Some(false)),
            Some(v) => Err(Failure::Usage(format!(
                "{}: {name} takes on or off, not \"{v}\"",
                self.command
            ))),
        }
    }

    fn plan(&self) -> Result<Plan, Failure> {
        match self.files.as_slice() {
            [f] => read_plan(f),
            [] => Err(Failure::Usage(format!(
                "{}: which plan? give PLAN.json",
                self.command
            ))),
            _ => Err(Failure::Usage(format!(
                "{}: one plan at a time",
                self.command
            ))),
        }
    }
}

fn run(args: &[String]) -> Result<u8, Failure> {
    let a = Args::parse(args)?;
    match a.command {
        "place" => {
            a.allow(&[])?;
            let plan = a.plan()?;
            let placement = place(&plan);
            print_json(&place_report(&plan, &placement));
            Ok(0)
        }
        "check" => {
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
        "deploy" => {
            a.allow(&[
                "--service",
                "--image",
                "--min-healthy",
                "--max-percent",
                "--memory",
                "--cpu",
                "--host-port",
                "--deregistration-delay",
                "--fail-new",
                "--circuit-breaker",
                "--rollback",
                "--legacy-threshold",
                "--text",
            ])?;
            let plan = a.plan()?;
            let service = a.required("--service")?;
            let failing_new_tasks = match a.value("--fail-new") {
                Some("all") => u32::MAX,
                _ => a.number("--fail-new")?.unwrap_or(0),
            };
            let current = plan.service(service).and_then(|s| {
                s.deployment_configuration
                    .deployment_circuit_breaker
                    .clone()
            });
            let circuit_breaker = match (a.on_off("--circuit-breaker")?, a.on_off("--rollback")?) {
                (None, None) => None,
                (enable, rollback) => Some(CircuitBreaker {
                    enable: enable
                        .or(current.as_ref().map(|c| c.enable))
                        .unwrap_or(true),
                    rollback: rollback
                        .or(current.as_ref().map(|c| c.rollback))
                        .unwrap_or(false),
                }),
            };
            let options = DeployOptions {
                change: Change {
                    image: a.value("--image").map(str::to_string),
                    memory: a.number("--memory")?,
                    cpu: a.number("--cpu")?,
                    host_port: a.number("--host-port")?,
                    ..Change::default()
                },
                minimum_healthy_percent: a.number("--min-healthy")?,
                maximum_percent: a.number("--max-percent")?,
                deregistration_delay: a.number("--deregistration-delay")?,
                circuit_breaker,
                threshold_rule: if a.flag("--legacy-threshold") {
                    ThresholdRule::Legacy
                } else {
                    ThresholdRule::Current
                },
                failing_new_tasks,
                ..DeployOptions::default()
            };
            let d = deploy(&plan, service, &options)
                .map_err(|e| Failure::Input(format!("deploy: {e}")))?;
            print_deployment(&d, a.flag("--text"));
            Ok(if d.outcome.is_completed() { 0 } else { 1 })
        }
        "scale" => {
            a.allow(&["--service", "--desired", "--text"])?;
            let plan = a.plan()?;
            let desired = a
                .number("--desired")?
                .ok_or_else(|| Failure::Usage("scale: --desired is required".into()))?;
            let d = scale(&plan, a.required("--service")?, desired, Timing::default())
                .map_err(|e| Failure::Input(format!("scale: {e}")))?;
            print_deployment(&d, a.flag("--text"));
            Ok(if d.outcome.is_completed() { 0 } else { 1 })
        }
        "run-task" => {
            a.allow(&["--task-definition", "--seconds"])?;
            let plan = a.plan()?;
            let td = a.required("--task-definition")?;
            let seconds = a.number("--seconds")?.unwrap_or(60);
            let r = run_task(&plan, td, seconds, Timing::default())
                .map_err(|e| Failure::Input(format!("run-task: {e}")))?;
            let summary = serde_json::json!({
                "taskDefinition": r.task_definition,
                "instance": r.instance,
                "hostPorts": r.host_ports,
                "reason": r.failure.as_ref().map(|f| f.reason.code()),
                "message": r.failure.as_ref().map(|f| f.message.clone()),
                "steps": r.steps.iter().map(|s| serde_json::json!({"t": s.t, "action": s.action})).collect::<Vec<_>>(),
            });
            print_json(&summary);
            Ok(if r.failure.is_none() { 0 } else { 1 })
        }
        "export" => {
            a.allow(&["--format", "--inline", "--json"])?;
            let plan = a.plan()?;
            let name = a.required("--format")?;
            let format =
                Format::parse(name, a.flag("--inline"), a.flag("--json")).ok_or_else(|| {
                    Failure::Usage(format!(
                        "export: unknown format {name}; use one of {}",
                        FORMATS.join(", ")
                    ))
                })?;
            match export(&plan, format) {
                Ok(text) => {
                    out(&text);
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
        "import" => {
            a.allow(&["--param"])?;
            let file = match a.files.as_slice() {
                [f] => *f,
                _ => return Err(Failure::Usage("import: give one FILE".into())),
            };
            let params = a
                .options
                .iter()
                .filter(|(k, _)| *k == "--param")
                .map(|(_, v)| {
                    let v = v.unwrap_or("");
                    v.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .ok_or_else(|| {
                            Failure::Usage(format!("import: --param takes KEY=VALUE, not \"{v}\""))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let text = std::fs::read_to_string(file)
                .map_err(|e| Failure::Input(format!("{file}: cannot read: {e}")))?;
            let imported =
                import(&text, &params).map_err(|e| Failure::Input(format!("{file}: {e}")))?;
            for w in &imported.warnings {
                eprintln!("berth: warning: {w}");
            }
            print_json(&imported.plan);
            Ok(0)
        }
        "help" | "--help" | "-h" => {
            out(&format!("{USAGE}\n"));
            Ok(0)
        }
        other => Err(Failure::Usage(format!("unknown command {other}"))),
    }
}

fn print_deployment(d: &Deployment, text: bool) {
    if !text {
        print_json(d);
        return;
    }
    use std::fmt::Write;
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
    let outcome = match &d.outcome {
        Outcome::Completed => "completed".to_string(),
        Outcome::Stalled { reason, .. } => format!("stalled: {reason}"),
        Outcome::Failed { reason } => format!("failed: {reason}"),
        Outcome::RolledBack { reason } => format!("rolled back: {reason}"),
    };
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

fn print_text(r: &CheckReport) {
    use std::fmt::Write;
    let mut s = String::new();
    for f in &r.findings {
        let sev = match f.severity {
            berth_core::rules::Severity::Error => "error",
            berth_core::rules::Severity::Warning => "warning",
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
