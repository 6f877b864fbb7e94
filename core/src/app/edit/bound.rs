//! One parameter, many fields (issue 16, item 3). A template's parameter
//! may feed several plan fields (the seed's ApplicationDesiredCount sets the
//! Auto Scaling group's DesiredCapacity and two services' DesiredCount);
//! CloudFormation gives them one value, so an edit to one moves the others
//! with it, and the user is told which moved.

use crate::cfn::bindings;
use crate::model::Plan;

/// After an edit from `before` to `next`: each parameter's bound fields
/// that the edit left behind take the value the edited ones now share.
/// Fields edited to different values are left as they are (export then
/// says they disagree).
pub(super) fn follow_bindings(before: &Plan, next: &mut Plan) {
    let Some(cfn) = next.cloud_formation.clone() else {
        return;
    };
    for paths in cfn.bindings.values().filter(|p| p.len() > 1) {
        let changed: Vec<String> = paths
            .iter()
            .filter_map(|p| {
                let now = bindings::read(next, p).ok()?;
                (bindings::read(before, p).ok()? != now).then_some(now)
            })
            .collect();
        let Some(value) = changed.first() else {
            continue;
        };
        if changed.iter().any(|v| v != value) {
            continue;
        }
        for p in paths {
            // A field that cannot take the value stays; export names it.
            let _ = bindings::write(next, p, value);
        }
    }
}

/// What moved together between two plans, one sentence per parameter:
/// "ApplicationDesiredCount sets group app's count and service AuditService's
/// desiredCount: both are now 2".
pub fn moved_together(before: &Plan, after: &Plan) -> Vec<String> {
    let Some(cfn) = after.cloud_formation.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, paths) in cfn.bindings.iter().filter(|(_, p)| p.len() > 1) {
        let moved = paths.iter().any(|p| {
            let now = bindings::read(after, p).ok();
            now.is_some() && bindings::read(before, p).ok() != now
        });
        let value = bindings::read(after, &paths[0]).ok();
        if !moved {
            continue;
        }
        let fields: Vec<String> = paths.iter().map(|p| bindings::describe(p)).collect();
        let (last, rest) = fields.split_last().expect("two or more");
        let all = if rest.len() == 1 { "both" } else { "all" };
        out.push(format!(
            "{name} sets {} and {last}: {all} are now {}",
            rest.join(", "),
            value.unwrap_or_default()
        ));
    }
    out
}
