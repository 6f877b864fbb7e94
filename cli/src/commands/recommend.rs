//! `berth recommend PLAN.json`: the cheapest clusters of one instance type
//! that hold the plan and, by default, let each service deploy (issue 18),
//! as JSON or, with `--text`, a table and the review's sentence.

use berth_core::model::catalogue::catalogue;
use berth_core::recommend::{recommend, summary, table, Headroom, Options};

use crate::args::{Args, CommandError};
use crate::output::{out, print_json};

/// Runs `berth recommend`: 0 with a candidate, 1 with none.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&[
        "--arch",
        "--families",
        "--min-generation",
        "--max-instances",
        "--headroom",
        "--burstable",
        "--overcommit",
        "--candidates",
        "--text",
    ])?;
    let plan = a.plan()?;
    let o = options(a)?;
    let r = recommend(&plan, &o);
    if a.flag("--text") {
        out(&format!("{}\n{}\n", table(&plan, &r), summary(&plan, &r)));
    } else {
        print_json(&r);
    }
    Ok(if r.candidates.is_empty() { 1 } else { 0 })
}

fn usage(text: String) -> CommandError {
    CommandError::Usage(format!("recommend: {text}"))
}

fn options(a: &Args) -> Result<Options, CommandError> {
    let mut o = Options::default();
    if let Some(arch) = a.value("--arch") {
        if !matches!(arch, "x86_64" | "arm64") {
            return Err(usage(format!(
                "--arch takes x86_64 or arm64, not \"{arch}\""
            )));
        }
        o.architecture = Some(arch.to_string());
    }
    if let Some(list) = a.value("--families") {
        o.families = list.split(',').map(|s| s.trim().to_string()).collect();
        if let Some(f) = o
            .families
            .iter()
            .find(|f| !catalogue().all().iter().any(|t| &t.family == *f))
        {
            return Err(usage(format!(
                "--families: no family \"{f}\" in the catalogue"
            )));
        }
    }
    o.min_generation = a.number("--min-generation")?.unwrap_or(0);
    if let Some(n) = a.number::<u32>("--max-instances")? {
        if !(1..=berth_core::app::edit::MAX_INSTANCES).contains(&n) {
            return Err(usage(format!(
                "--max-instances must be from 1 to {}, not {n}",
                berth_core::app::edit::MAX_INSTANCES
            )));
        }
        o.max_instances = n;
    }
    if let Some(n) = a.number::<usize>("--candidates")? {
        o.candidates = n.clamp(1, 50);
    }
    o.headroom = match a.value("--headroom") {
        None | Some("deploy") => Headroom::Deploy,
        Some("none") => Headroom::None,
        Some(h) => {
            return Err(usage(format!(
                "--headroom takes none or deploy, not \"{h}\""
            )))
        }
    };
    o.burstable = a.on_off("--burstable")?.unwrap_or(true);
    if let Some(v) = a.value("--overcommit") {
        let ratio: f64 = v
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && *r >= 1.0)
            .ok_or_else(|| {
                usage(format!(
                    "--overcommit takes a ratio of hard limits to registered memory of 1 or more (1 = none), not \"{v}\""
                ))
            })?;
        o.overcommit = Some(ratio);
    }
    Ok(o)
}
