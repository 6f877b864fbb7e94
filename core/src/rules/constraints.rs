//! Placement constraints (§4.3): their types and cluster query language
//! expressions, wherever they are written.

use super::Out;
use crate::model::ConstraintType;
use crate::placement::cql;

pub(super) fn constraint_rules(
    constraints: &[crate::model::PlacementConstraint],
    path: &str,
    out: &mut Out,
    in_task_definition: bool,
) {
    for (i, c) in constraints.iter().enumerate() {
        let cpath = format!("{path}[{i}]");
        match c.kind {
            ConstraintType::DistinctInstance => {
                if in_task_definition {
                    out.error(
                        "E1013",
                        format!("{cpath}.type"),
                        "only memberOf constraints are allowed in a task definition".into(),
                    );
                }
                if c.expression.is_some() {
                    out.error(
                        "E1013",
                        format!("{cpath}.expression"),
                        "distinctInstance takes no expression".into(),
                    );
                }
            }
            ConstraintType::MemberOf => match c.expression.as_deref() {
                None | Some("") => out.error(
                    "E1013",
                    format!("{cpath}.expression"),
                    "memberOf needs a cluster query language expression".into(),
                ),
                Some(e) => {
                    if let Err(err) = cql::parse(e) {
                        out.error(
                            "E1013",
                            format!("{cpath}.expression"),
                            format!("cluster query expression does not parse {err}"),
                        );
                    }
                }
            },
        }
    }
}
