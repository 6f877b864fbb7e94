//! An ECS task definition (as `aws ecs describe-task-definition` prints it, or
//! bare) joining the example plan: never a panic; the user's cluster,
//! services and task definitions stay as they were, and the task definition
//! joins as one more service that runs it, under a name nothing else has.
#![no_main]
use berth_core::input::import::{import, into_plan, ImportKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(imported) = import(text, &[]) else {
        return;
    };
    let kind = imported.kind;
    let example =
        berth_core::load_plan(include_str!("../../public/examples/microtrader.json")).unwrap();
    let Ok(joined) = into_plan(&example, imported) else {
        return;
    };
    if kind == ImportKind::TaskDefinition {
        assert_eq!(joined.cluster, example.cluster);
        assert_eq!(
            joined.services[..example.services.len()],
            example.services[..]
        );
        assert_eq!(
            joined.task_definitions[..example.task_definitions.len()],
            example.task_definitions[..]
        );
        assert_eq!(joined.services.len(), example.services.len() + 1);
        let added = joined.services.last().unwrap();
        assert!(example.service(&added.service_name).is_none());
        assert!(joined.task_definition(&added.task_definition).is_some());
    }
    let _ = berth_core::rules::validate(&joined);
});
