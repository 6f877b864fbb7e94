//! Which colour the board draws each service in. A service keeps its colour
//! while others are added, renamed or deleted (issue 21): the colours live in
//! the plan (`serviceColours`), and every edit carries them forward, giving a
//! new service the colour fewest services have.

use std::collections::BTreeMap;

use super::PALETTE_SIZE;
use crate::model::Plan;

/// Every service's colour: the one the plan keeps for it, else, in list
/// order, the colour fewest services have so far (the lowest on a tie). For a
/// plan that keeps none, that is the service's position, modulo the palette.
pub fn colours(plan: &Plan) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = plan
        .service_colours
        .iter()
        .filter(|(name, c)| plan.service(name).is_some() && **c < PALETTE_SIZE)
        .map(|(n, c)| (n.clone(), *c))
        .collect();
    for s in &plan.services {
        if out.contains_key(&s.service_name) {
            continue;
        }
        let mut uses = [0usize; PALETTE_SIZE];
        for c in out.values() {
            uses[*c] += 1;
        }
        let fewest = (0..PALETTE_SIZE)
            .min_by_key(|c| (uses[*c], *c))
            .unwrap_or(0);
        out.insert(s.service_name.clone(), fewest);
    }
    out
}

/// The colours `next` keeps after an edit of `before`: each service that is
/// still there keeps its colour (a renamed one under its new name), and new
/// services get theirs.
pub(crate) fn carry_colours(before: &Plan, next: &mut Plan, renamed: Option<(&str, &str)>) {
    let mut kept = colours(before);
    if let Some((old, new)) = renamed {
        if let Some(c) = kept.remove(old) {
            kept.insert(new.to_string(), c);
        }
    }
    kept.retain(|name, _| next.service(name).is_some());
    next.service_colours = kept;
    next.service_colours = colours(next);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::edit::{apply, Edit};
    use crate::input::load_plan;

    fn four() -> Plan {
        let svc =
            |n: &str| format!(r#"{{"serviceName":"{n}","taskDefinition":"t","desiredCount":0}}"#);
        load_plan(&format!(
            r#"{{"berthVersion":1,"cluster":{{"instanceGroups":[]}},
              "taskDefinitions":[{{"family":"t","containerDefinitions":[{{"name":"c","memory":64}}]}}],
              "services":[{},{},{},{}]}}"#,
            svc("a"),
            svc("b"),
            svc("c"),
            svc("d")
        ))
        .unwrap()
    }

    #[test]
    fn a_plan_without_colours_is_coloured_by_position() {
        let c = colours(&four());
        assert_eq!(c.values().copied().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    }

    /// Deleting b leaves c and d their colours; a new service takes b's.
    #[test]
    fn deleting_a_service_recolours_no_other() {
        let plan = four();
        let after = apply(
            &plan,
            &Edit::DeleteService {
                service: "b".into(),
            },
        )
        .unwrap();
        let c = colours(&after);
        assert_eq!((c["a"], c["c"], c["d"]), (0, 2, 3));
        let again = apply(
            &after,
            &Edit::DuplicateService {
                service: "a".into(),
            },
        )
        .unwrap();
        let c = colours(&again);
        assert_eq!((c["a"], c["c"], c["d"]), (0, 2, 3));
        let new = again.services.last().unwrap().service_name.clone();
        assert_eq!(c[&new], 1, "the colour nobody has");
    }
}
