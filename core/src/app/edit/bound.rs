//! One parameter, many fields (issue 16, item 3). A template's parameter
//! may feed several plan fields (the seed's ApplicationDesiredCount sets the
//! Auto Scaling group's DesiredCapacity and two services' DesiredCount);
//! CloudFormation gives them one value, so an edit to one moves the others
//! with it, and the user is told which moved.

use crate::cfn::bindings;
use crate::model::Plan;

/// Each bound field's value in `plan`, none where it cannot be read.
fn read_all(plan: &Plan, paths: &[String]) -> Vec<Option<String>> {
    paths.iter().map(|p| bindings::read(plan, p).ok()).collect()
}

/// After an edit from `before` to `next`: each parameter's bound fields
/// that the edit left behind take the value the edited ones now share.
/// Fields edited to different values are left as they are (export then
/// says they disagree).
pub(super) fn follow_bindings(before: &Plan, next: &mut Plan) {
    // Only parameters that set several fields; most plans have none.
    let shared: Vec<Vec<String>> = next
        .cloud_formation
        .iter()
        .flat_map(|c| c.bindings.values())
        .filter(|p| p.len() > 1)
        .cloned()
        .collect();
    for paths in shared {
        let was = read_all(before, &paths);
        let changed: Vec<String> = read_all(next, &paths)
            .into_iter()
            .zip(was)
            .filter_map(|(now, was)| (was.is_some() && now != was).then_some(now?))
            .collect();
        let Some(value) = changed.first() else {
            continue;
        };
        if changed.iter().any(|v| v != value) {
            continue;
        }
        for p in &paths {
            // A field that cannot take the value stays; export names it.
            let _ = bindings::write(next, p, value);
        }
    }
}

/// What moved together between two plans, one sentence per parameter:
/// "ApplicationDesiredCount sets group app's count and service AuditService's
/// desiredCount: both are now 2"; or, when an edit left them apart (a drag
/// changes only its own service), which disagree, since export will refuse.
pub fn moved_together(before: &Plan, after: &Plan) -> Vec<String> {
    let Some(cfn) = after.cloud_formation.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, paths) in cfn.bindings.iter().filter(|(_, p)| p.len() > 1) {
        let now = read_all(after, paths);
        let moved = read_all(before, paths)
            .iter()
            .zip(&now)
            .any(|(was, v)| v.is_some() && was != v);
        if !moved {
            continue;
        }
        let fields: Vec<String> = paths.iter().map(|p| bindings::describe(p)).collect();
        let (last, rest) = fields.split_last().expect("two or more");
        let listed = format!("{} and {last}", rest.join(", "));
        if now.iter().all(|v| *v == now[0]) {
            let all = if rest.len() == 1 { "both" } else { "all" };
            let value = now[0].clone().unwrap_or_default();
            out.push(format!("{name} sets {listed}: {all} are now {value}"));
        } else {
            let each: Vec<String> = fields
                .iter()
                .zip(&now)
                .map(|(f, v)| format!("{f} is {}", v.as_deref().unwrap_or("unreadable")))
                .collect();
            out.push(format!(
                "{name} sets {listed}, which now disagree ({}): export refuses until they are equal",
                each.join(", ")
            ));
        }
    }
    out
}
