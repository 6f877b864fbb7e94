//! Issue 18: on the microtrader example, the recommendation matches a
//! brute-force search over every catalogue type and count up to 10.

use berth_core::model::catalogue::catalogue;
use berth_core::recommend::{fits, on, recommend, Headroom, Options};

mod common;

#[test]
fn the_cheapest_candidate_matches_a_brute_force_search() {
    let plan = common::example();
    for headroom in [Headroom::None, Headroom::Deploy] {
        let o = Options {
            headroom,
            ..Options::default()
        };
        // Brute force: every allowed type, every count, the cheapest fit.
        let mut best: Option<(f64, String, u32)> = None;
        for t in catalogue().all() {
            let Some(price) = t.monthly_price() else {
                continue;
            };
            if t.cpu_architecture() != "x86_64" {
                continue;
            }
            for n in 1..=10 {
                if fits(&on(&plan, t, n), headroom).is_ok() {
                    let cost = price * n as f64;
                    let better = best
                        .as_ref()
                        .is_none_or(|(c, name, _)| cost < *c || (cost == *c && t.name < *name));
                    if better {
                        best = Some((cost, t.name.clone(), n));
                    }
                    break;
                }
            }
        }
        let (cost, name, n) = best.expect("something fits");
        let r = recommend(&plan, &o);
        let first = &r.candidates[0];
        assert_eq!(
            (first.instance_type.as_str(), first.count),
            (name.as_str(), n),
            "{headroom:?}: {cost}"
        );
        eprintln!(
            "{headroom:?}: {} × {} ${:.2}; {} rejected",
            n,
            name,
            cost,
            r.rejected.len()
        );
    }
}
