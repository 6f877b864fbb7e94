//! `berth recommend PLAN.json [--arch x86_64|arm64] [--families F,F…]
//! [--max-instances N] [--headroom none|deploy]`: the cheapest clusters
//! that fit the plan, as JSON (issue 18, work in progress).

use berth_core::recommend::{recommend, Headroom, Options};

use crate::args::{Args, CommandError};
use crate::output::print_json;

/// Runs `berth recommend`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--arch", "--families", "--max-instances", "--headroom"])?;
    let plan = a.plan()?;
    let mut o = Options::default();
    if let Some(arch) = a.value("--arch") {
        if !matches!(arch, "x86_64" | "arm64") {
            return Err(CommandError::Usage(format!(
                "--arch {arch}: give x86_64 or arm64"
            )));
        }
        o.architecture = arch.to_string();
    }
    if let Some(f) = a.value("--families") {
        o.families = f.split(',').map(|s| s.trim().to_string()).collect();
    }
    if let Some(n) = a.value("--max-instances") {
        o.max_instances = n
            .parse()
            .ok()
            .filter(|n| (1..=5_000).contains(n))
            .ok_or_else(|| {
                CommandError::Usage(format!(
                    "--max-instances {n}: give a whole number from 1 to 5000"
                ))
            })?;
    }
    if let Some(h) = a.value("--headroom") {
        o.headroom = match h {
            "none" => Headroom::None,
            "deploy" => Headroom::Deploy,
            other => {
                return Err(CommandError::Usage(format!(
                    "--headroom {other}: give none or deploy"
                )))
            }
        };
    }
    let r = recommend(&plan, &o);
    print_json(&r);
    Ok(if r.candidates.is_empty() { 1 } else { 0 })
}
