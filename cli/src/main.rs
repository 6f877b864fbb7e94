//! `berth`: the planner on the command line, for checking a plan in CI.
//!
//! Exit codes: 0 clean, 1 findings (errors or unplaced tasks), 2 unreadable
//! input or bad usage. Errors are one line naming the file, the JSON path and
//! the problem; never a panic or a backtrace.
//!
//! `args` reads the command line, `commands/` holds one file per command,
//! `output` prints.

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use args::{Args, CommandError};

const USAGE: &str = "usage:
  berth place PLAN.json [--from-current PLACED.json]
                                  print where every task goes, as JSON; from PLACED.json (an earlier
                                  berth place), running tasks stay and only the difference is placed
  berth recommend PLAN.json [--arch x86_64|arm64] [--families F,F…] [--min-generation N] [--max-instances N]
               [--headroom none|deploy] [--burstable on|off] [--overcommit RATIO] [--candidates N] [--text]
                                  the cheapest clusters of one instance type that place every task and, with
                                  --headroom deploy (the default), let each service deploy at its own settings
  berth check PLAN.json [--json]  validation, JVM and placement findings
  berth deploy PLAN.json --service NAME [--image IMAGE|:TAG] [--min-healthy N] [--max-percent N]
               [--memory MIB] [--cpu UNITS] [--host-port N] [--deregistration-delay S]
               [--fail-new N|all] [--circuit-breaker on|off] [--rollback on|off] [--legacy-threshold] [--text]
                                  a rolling deployment, step by step (JSON, or a table with --text)
  berth scale PLAN.json --service NAME --desired N [--text]
  berth run-task PLAN.json --task-definition FAMILY[:REV] [--seconds S]
  berth export PLAN.json --format cfn-parameters|deploy-overrides|codepipeline|ansible|template [--inline] [--json] [--shape stack|services]
  berth import FILE [--param KEY=VALUE]... [--ansible-vars GROUP_VARS.yml] [--region R] [--stack-name S]
                                  a Berth plan, ECS task definition or CloudFormation template → plan JSON
exit: 0 clean / completed / placed / a cluster fits, 1 errors, unplaced, stalled, failed, rolled back or no cluster fits,
      2 bad input or usage";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(CommandError::Usage(m)) => {
            eprintln!("berth: {m}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(CommandError::Input(m)) => {
            eprintln!("berth: {m}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<u8, CommandError> {
    let a = Args::parse(args)?;
    match a.command {
        "place" => commands::place::run(&a),
        "recommend" => commands::recommend::run(&a),
        "check" => commands::check::run(&a),
        "deploy" => commands::deploy::run(&a),
        "scale" => commands::scale::run(&a),
        "run-task" => commands::run_task::run(&a),
        "export" => commands::export::run(&a),
        "import" => commands::import::run(&a),
        "help" | "--help" | "-h" => {
            output::out(&format!("{USAGE}\n"));
            Ok(0)
        }
        other => Err(CommandError::Usage(format!("unknown command {other}"))),
    }
}
