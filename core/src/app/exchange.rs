//! Export, import and share links with JSON text on both sides, for a shell
//! that runs them in a separate module. The web app keeps CloudFormation
//! export, parameter resolution, import (YAML, templates, task definitions)
//! and share links (deflate) out of the module that draws the board and
//! loads them afterwards (issue 8); these functions are everything that
//! module does, and the reply types are what the app reads back. The plan
//! always travels as Berth's plan JSON, so the app reads an imported plan
//! with the same [`load_plan`] as a file.

use serde::{Deserialize, Serialize};

use super::fixes::{fixes, Fix};
use crate::cfn::export::{export, notes, Format};
use crate::cfn::{resolve, ParameterError, Resolved};
use crate::input::import::{import_with, into_plan, ImportOptions};
use crate::input::share;
use crate::input::{load_plan, LoadError};

/// What the export panel shows for one plan and one format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportReply {
    /// Every template parameter and where its value comes from.
    pub parameters: Vec<Resolved>,
    /// The export text, or CloudFormation's reasons for refusing it.
    pub output: Result<String, Vec<ParameterError>>,
    /// What the export leaves to deploy time (NoEcho parameters without a
    /// value), and how to give it; shown beside the output.
    pub at_deploy: Option<String>,
    /// The edits that resolve the output's errors (none when it has none).
    pub fixes: Vec<Fix>,
}

/// A plan with an import applied, as plan JSON, and what the user should know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReply {
    /// The plan after the import, as Berth's plan JSON.
    pub plan_json: String,
    /// What the import could not read faithfully, in words.
    pub warnings: Vec<String>,
}

/// `plan_json` exported as `format`; a [`LoadError`] when the plan (or the
/// format name) cannot be read.
pub fn export_reply(plan_json: &str, format: &str) -> Result<ExportReply, LoadError> {
    let plan = load_plan(plan_json)?;
    let format: Format = serde_json::from_value(serde_json::Value::String(format.into()))
        .map_err(|_| LoadError::new("format", format!("\"{format}\" is not an export format")))?;
    let parameters = resolve(&plan).0;
    let output = export(&plan, format);
    Ok(ExportReply {
        at_deploy: notes(&plan, &parameters, format),
        fixes: match &output {
            Err(errors) => fixes(&plan, &parameters, errors),
            Ok(_) => Vec::new(),
        },
        output,
        parameters,
    })
}

/// `text` (a plan, a task definition or a template) imported into
/// `plan_json`, with the parameter values and file name in `options`. The
/// current plan is only read: a refusal leaves nothing half-changed, and a
/// template's missing parameters come back in [`LoadError::needs`] for the
/// form that asks for them.
pub fn import_reply(
    plan_json: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<ImportReply, LoadError> {
    let current = load_plan(plan_json)?;
    let imported = import_with(text, options)?;
    let warnings = imported.warnings.clone();
    let next = into_plan(&current, imported)?;
    Ok(ImportReply {
        plan_json: serde_json::to_string(&next).map_err(|e| LoadError::new("$", e.to_string()))?,
        warnings,
    })
}

/// [`export_reply`] as JSON text: the wasm export's whole body.
pub fn export_json(plan_json: &str, format: &str) -> String {
    to_json(&export_reply(plan_json, format))
}

/// [`import_reply`] as JSON text, with [`ImportOptions`] as JSON: the wasm
/// export's whole body.
pub fn import_json(plan_json: &str, text: &str, options_json: &str) -> String {
    let options = serde_json::from_str::<ImportOptions>(options_json)
        .map_err(|e| LoadError::new("options", format!("unreadable import options: {e}")));
    to_json(&options.and_then(|o| import_reply(plan_json, text, &o)))
}

/// The share-link fragment (without `#plan=`) for `plan_json`.
pub fn share_json(plan_json: &str) -> String {
    to_json(&load_plan(plan_json).map(|plan| share::encode(&plan)))
}

/// The plan in a share-link fragment, as plan JSON, or why it cannot be read.
pub fn open_link_json(fragment: &str) -> String {
    to_json(&share::decode(fragment).and_then(|plan| {
        serde_json::to_string(&plan).map_err(|e| LoadError::new("$", e.to_string()))
    }))
}

fn to_json<T: Serialize>(reply: &Result<T, LoadError>) -> String {
    // Serialising these types cannot fail: string keys and no non-finite floats.
    serde_json::to_string(reply).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::export::Format;

    const EXAMPLE: &str = include_str!("../../../public/examples/microtrader.json");

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn export_json_carries_what_export_and_resolve_say() {
        let plan = load_plan(EXAMPLE).unwrap();
        for format in ["cfnParameters", "ansible", "templateYaml"] {
            let reply: Result<ExportReply, LoadError> = read(&export_json(EXAMPLE, format));
            let reply = reply.unwrap();
            let direct: Format = serde_json::from_value(format.into()).unwrap();
            assert_eq!(reply.output, export(&plan, direct), "{format}");
            assert_eq!(reply.parameters, resolve(&plan).0);
        }
    }

    #[test]
    fn export_refusals_and_bad_input_come_back_as_values() {
        let mut plan = load_plan(EXAMPLE).unwrap();
        let cfn = plan.cloud_formation.as_mut().unwrap();
        cfn.values.clear();
        cfn.bindings.clear();
        let json = serde_json::to_string(&plan).unwrap();
        let reply: Result<ExportReply, LoadError> = read(&export_json(&json, "cfnParameters"));
        let errors = reply.unwrap().output.unwrap_err();
        assert!(errors[0].message.contains("must have values"), "{errors:?}");

        let bad: Result<ExportReply, LoadError> = read(&export_json(EXAMPLE, "pdf"));
        assert_eq!(bad.unwrap_err().path, "format");
        let bad: Result<ExportReply, LoadError> = read(&export_json("{", "ansible"));
        assert!(bad.unwrap_err().message.contains("not valid JSON"));
    }

    #[test]
    fn import_json_returns_the_next_plan_or_the_error() {
        let td = r#"{"family": "extra", "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 256}]}"#;
        let reply: Result<ImportReply, LoadError> = read(&import_json(EXAMPLE, td, "{}"));
        let reply = reply.unwrap();
        let next = load_plan(&reply.plan_json).unwrap();
        let direct = into_plan(
            &load_plan(EXAMPLE).unwrap(),
            crate::input::import::import(td, &[]).unwrap(),
        )
        .unwrap();
        assert_eq!(next, direct);

        let refused: Result<ImportReply, LoadError> = read(&import_json(EXAMPLE, "[1, 2", "{}"));
        assert!(!refused.unwrap_err().message.is_empty());
    }

    /// The browser's form: a template's missing parameters come back as
    /// prompts, and the values typed into them (JSON options) import it.
    #[test]
    fn a_templates_missing_parameters_come_back_for_the_form_and_its_values_import_it() {
        let template = "Parameters:\n  Port: {Type: Number, Description: The port}\nResources:\n  Web:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - {Name: web, Image: nginx, Memory: 128, PortMappings: [{ContainerPort: !Ref Port}]}\n";
        let asked: Result<ImportReply, LoadError> = read(&import_json(EXAMPLE, template, "{}"));
        let e = asked.unwrap_err();
        assert_eq!(e.message, "Parameters: [Port] must have values");
        assert_eq!(e.needs[0].description.as_deref(), Some("The port"));
        let options = r#"{"parameters": {"Port": "8080"}, "fileName": "web.yaml"}"#;
        let reply: Result<ImportReply, LoadError> = read(&import_json(EXAMPLE, template, options));
        let plan = load_plan(&reply.unwrap().plan_json).unwrap();
        assert_eq!(
            plan.task_definitions[0].container_definitions[0].port_mappings[0].container_port,
            8080
        );
        assert_eq!(plan.cloud_formation.unwrap().stack_name, "web");
        let unreadable: Result<ImportReply, LoadError> = read(&import_json(EXAMPLE, template, "1"));
        assert_eq!(unreadable.unwrap_err().path, "options");
    }

    #[test]
    fn a_share_link_opens_the_plan_it_was_made_from() {
        let fragment: Result<String, LoadError> = read(&share_json(EXAMPLE));
        let fragment = fragment.unwrap();
        assert!(fragment.starts_with(share::PREFIX), "{fragment}");
        let opened: Result<String, LoadError> = read(&open_link_json(&fragment));
        assert_eq!(
            load_plan(&opened.unwrap()).unwrap(),
            load_plan(EXAMPLE).unwrap()
        );

        let damaged: Result<String, LoadError> = read(&open_link_json("v1.AAAA"));
        assert!(damaged.unwrap_err().message.contains("damaged"));
        let unreadable: Result<String, LoadError> = read(&share_json("{"));
        assert!(unreadable.unwrap_err().message.contains("not valid JSON"));
    }
}
