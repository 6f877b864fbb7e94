//! The answer in words: one paragraph for a design review, and the table
//! `berth recommend --text` prints.

use super::{Candidate, Recommendation, Rejected};
use crate::model::Plan;

/// How many cheaper rejections the summary names.
const CHEAPER_NAMED: usize = 3;

/// "2 × t3.small, $30.37/month, each service deploys at 200 %;
/// t3.micro × 4 rejected: RESOURCE:MEMORY", for the cheapest candidate, or
/// why there is none.
pub fn summary(plan: &Plan, r: &Recommendation) -> String {
    let Some(best) = r.candidates.first() else {
        let why = r
            .rejected
            .first()
            .map(|x| format!(" The cheapest type tried, {}", rejection(x)))
            .unwrap_or_default();
        return format!("No cluster of one {} type fits.{why}", r.architecture);
    };
    let mut text = format!(
        "{}, ${:.2}/month, memory {:.0} % and CPU {:.0} % reserved, {}",
        best.describe(),
        best.monthly_cost,
        best.memory_utilisation * 100.0,
        best.cpu_utilisation * 100.0,
        deployments_in_words(plan, best)
    );
    let cheaper: Vec<String> = best
        .one_fewer
        .iter()
        .chain(cheaper_types(r, best).into_iter().take(CHEAPER_NAMED))
        .map(rejection)
        .collect();
    if !cheaper.is_empty() {
        text.push_str("; ");
        text.push_str(&cheaper.join("; "));
    }
    text
}

/// Why each type cheaper per instance than `best`'s does not give a
/// cheaper cluster: the most instances of it that did not fit. The types
/// nearest `best`'s price come first: they are the ones a reviewer asks
/// about ("why not r5a.xlarge?"), where the cheapest are plainly too small.
pub fn cheaper_types<'a>(r: &'a Recommendation, best: &Candidate) -> Vec<&'a Rejected> {
    let price = r
        .tried
        .iter()
        .find(|t| t.instance_type == best.groups[0].instance_type)
        .map_or(0.0, |t| t.monthly_price);
    let mut cheaper: Vec<&Rejected> = r
        .tried
        .iter()
        .filter(|t| t.monthly_price < price)
        .filter_map(|t| t.not_fitting.as_ref())
        .collect();
    cheaper.reverse();
    cheaper
}

/// "t3.micro × 4 rejected: RESOURCE:MEMORY".
fn rejection(x: &Rejected) -> String {
    format!("{} × {} rejected: {}", x.instance_type, x.count, x.reason)
}

/// "each service deploys at 200 %", or which do not and how they end.
pub fn deployments_in_words(plan: &Plan, c: &Candidate) -> String {
    let failing: Vec<String> = c
        .deployments
        .iter()
        .filter(|d| d.outcome != "completed")
        .map(|d| format!("{} {}", d.service, d.outcome))
        .collect();
    if !failing.is_empty() {
        return format!("but deploying {}", failing.join(", "));
    }
    let mut percents: Vec<u32> = c
        .deployments
        .iter()
        .filter_map(|d| plan.service(&d.service))
        .map(|s| s.deployment_configuration.maximum_percent)
        .collect();
    percents.sort_unstable();
    percents.dedup();
    match percents.as_slice() {
        [] => "no service to deploy".to_string(),
        [one] => format!("each service deploys at {one} %"),
        _ => "each service deploys at its own maximumPercent".to_string(),
    }
}

/// The table of `berth recommend --text`: candidates, then rejected types.
pub fn table(plan: &Plan, r: &Recommendation) -> String {
    let mut out = format!(
        "{:<24} {:>10} {:>7} {:>5}  deployments\n",
        "cluster", "$/month", "memory", "CPU"
    );
    for c in &r.candidates {
        out.push_str(&format!(
            "{:<24} {:>10.2} {:>6.0}% {:>4.0}%  {}\n",
            c.describe(),
            c.monthly_cost,
            c.memory_utilisation * 100.0,
            c.cpu_utilisation * 100.0,
            deployments_in_words(plan, c)
        ));
    }
    if r.candidates.is_empty() {
        out.push_str("(no cluster fits)\n");
    }
    if !r.rejected.is_empty() {
        out.push_str(&format!("\nrejected ({}):\n", r.rejected.len()));
        for x in &r.rejected {
            out.push_str(&format!("  {}\n", rejection(x)));
        }
    }
    if r.skipped > 0 {
        out.push_str(&format!(
            "\n{} types not tried: they cannot be cheaper than the last candidate.\n",
            r.skipped
        ));
    }
    out
}
