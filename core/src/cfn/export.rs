//! The export formats (§6.2): what `aws cloudformation create-stack
//! --parameters file://…`, `deploy --parameter-overrides`, CodePipeline and an
//! Ansible playbook read, plus the template. Every export validates the
//! parameters first and refuses with CloudFormation's own messages.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub use super::params::snake_case;
use super::params::{resolve, ParameterError, Resolved, Source};
use super::template::{write, Shape};
use super::write_back::{write_back, WrittenBack};
use super::yaml::{scalar, to_yaml};
use crate::model::Plan;

/// What `export` writes: one of CloudFormation's parameter formats, or the template itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Format {
    /// `[{"ParameterKey","ParameterValue"}]` for create-stack / update-stack.
    CfnParameters,
    /// `["Key=Value", …]` for `deploy --parameter-overrides file://…`.
    DeployOverrides,
    /// `Key=Value Key2=Value2` for `deploy --parameter-overrides` on the command line.
    DeployOverridesInline,
    /// `{"Parameters": {…}, "Tags": {…}}`, a CodePipeline template configuration.
    CodePipeline,
    /// group_vars YAML with `config_<snake_case>` keys, as in the seed's playbook.
    Ansible,
    /// The CloudFormation template of the whole stack (network, load
    /// balancer, cluster, instances, services), as YAML.
    TemplateYaml,
    /// The same template as JSON.
    TemplateJson,
    /// The template of the services, into an existing cluster, as YAML.
    ServicesTemplateYaml,
    /// The same template as JSON.
    ServicesTemplateJson,
    /// The user's own template (the plan's import), with the plan's changes, as YAML.
    OwnTemplateYaml,
    /// The same, as JSON.
    OwnTemplateJson,
}

impl Format {
    /// The format a CLI name (`--format`) names, with `--inline`, `--json`
    /// and `--shape` where they matter; none for an unknown name.
    pub fn parse(name: &str, inline: bool, json_template: bool, shape: Shape) -> Option<Format> {
        Some(match (name, inline, json_template, shape) {
            ("cfn-parameters", ..) => Format::CfnParameters,
            ("deploy-overrides", true, ..) => Format::DeployOverridesInline,
            ("deploy-overrides", false, ..) => Format::DeployOverrides,
            ("codepipeline", ..) => Format::CodePipeline,
            ("ansible", ..) => Format::Ansible,
            ("template", _, true, Shape::Stack) => Format::TemplateJson,
            ("template", _, false, Shape::Stack) => Format::TemplateYaml,
            ("template", _, true, Shape::Services) => Format::ServicesTemplateJson,
            ("template", _, false, Shape::Services) => Format::ServicesTemplateYaml,
            ("own-template", _, true, _) => Format::OwnTemplateJson,
            ("own-template", _, false, _) => Format::OwnTemplateYaml,
            _ => return None,
        })
    }

    /// The template's shape and whether it is JSON; none for a parameter format.
    pub fn template(self) -> Option<(Shape, bool)> {
        // (The user's own template is not one of Berth's shapes.)
        match self {
            Format::TemplateYaml => Some((Shape::Stack, false)),
            Format::TemplateJson => Some((Shape::Stack, true)),
            Format::ServicesTemplateYaml => Some((Shape::Services, false)),
            Format::ServicesTemplateJson => Some((Shape::Services, true)),
            _ => None,
        }
    }

    /// A file name a download can use.
    pub fn file_name(self, stack: &str) -> String {
        let stem = if stack.is_empty() { "berth" } else { stack };
        match self {
            Format::CfnParameters => format!("{stem}-parameters.json"),
            Format::DeployOverrides => format!("{stem}-overrides.json"),
            Format::DeployOverridesInline => format!("{stem}-overrides.txt"),
            Format::CodePipeline => format!("{stem}-configuration.json"),
            Format::Ansible => format!("{stem}.yml"),
            Format::TemplateYaml => format!("{stem}.template.yaml"),
            Format::TemplateJson => format!("{stem}.template.json"),
            Format::ServicesTemplateYaml => format!("{stem}-services.template.yaml"),
            Format::ServicesTemplateJson => format!("{stem}-services.template.json"),
            Format::OwnTemplateYaml => format!("{stem}.yaml"),
            Format::OwnTemplateJson => format!("{stem}.json"),
        }
    }
}

/// The CLI's format names, in the order `--help` lists them.
pub const FORMATS: &[&str] = &[
    "cfn-parameters",
    "deploy-overrides",
    "codepipeline",
    "ansible",
    "template",
    "own-template",
];

fn shell_quote(v: &str) -> String {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@,+=".contains(c))
    {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', "'\\''"))
    }
}

fn values(resolved: &[Resolved]) -> impl Iterator<Item = (&str, &str)> {
    resolved
        .iter()
        .filter_map(|r| r.value.as_deref().map(|v| (r.name.as_str(), v)))
}

/// What to give at deploy time, beside an export: the NoEcho parameters the
/// plan has no value for are never written with a made-up value (pasted
/// as-is, it would be sent as the secret), so the export leaves them out
/// and this says how each format's tool takes them. None when there are
/// none, and for the template, which holds no values.
pub fn at_deploy_note(resolved: &[Resolved], format: Format) -> Option<String> {
    let names: Vec<&str> = resolved
        .iter()
        .filter(|r| r.source == Source::AtDeploy)
        .map(|r| r.name.as_str())
        .collect();
    let first = *names.first()?;
    let list = names.join(", ");
    let lead =
        format!("Not written: {list} (NoEcho, no value in the plan), to be given at deploy time.");
    let how = match format {
        Format::CfnParameters => format!(
            "Add {{\"ParameterKey\": \"{first}\", \"ParameterValue\": \"…\"}} before create-stack; \
             on update-stack, {{\"ParameterKey\": \"{first}\", \"UsePreviousValue\": true}} keeps the stack's value."
        ),
        Format::DeployOverrides | Format::DeployOverridesInline => format!(
            "Add {first}=… to --parameter-overrides when the stack is created; on an update, \
             aws cloudformation deploy keeps the stack's value of a parameter not given."
        ),
        Format::CodePipeline => format!(
            "A template configuration is stored with the pipeline's artifacts: give {first} in the \
             CloudFormation action's ParameterOverrides (for example from Secrets Manager)."
        ),
        Format::Ansible => format!(
            "Set config_{} in a vars file encrypted with ansible-vault.",
            snake_case(first)
        ),
        Format::TemplateYaml
        | Format::TemplateJson
        | Format::ServicesTemplateYaml
        | Format::ServicesTemplateJson
        | Format::OwnTemplateYaml
        | Format::OwnTemplateJson => return None,
    };
    Some(format!("{lead} {how}"))
}

/// What to show beside an export: for a parameter format, what is left to
/// deploy time ([`at_deploy_note`]); for a template, its notes (parameters
/// to give at deploy time, parameters left out, what it could not write).
pub fn notes(plan: &Plan, resolved: &[Resolved], format: Format) -> Option<String> {
    if matches!(format, Format::OwnTemplateYaml | Format::OwnTemplateJson) {
        return write_back(plan).ok().map(|w| write_back_note(&w));
    }
    match format.template() {
        Some((shape, _)) => Some(write(plan, shape).notes.join("\n")).filter(|n| !n.is_empty()),
        None => at_deploy_note(resolved, format),
    }
}

/// A value in a note: short, on one line.
fn brief(v: &Value) -> String {
    let text = match v {
        Value::Null => "(absent)".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The diff of a written-back template, one line per change, and what the
/// template has no place for.
fn write_back_note(w: &WrittenBack) -> String {
    let mut lines: Vec<String> = if w.changes.is_empty() {
        vec!["Your template, unchanged: the plan changes none of the values it sets.".into()]
    } else {
        w.changes
            .iter()
            .map(|c| format!("Changed: {}: {} → {}", c.at, brief(&c.from), brief(&c.to)))
            .collect()
    };
    for c in &w.not_written {
        lines.push(format!(
            "Not written (your template has no value of its own for it; Berth's template has): {}: {} → {}",
            c.at,
            brief(&c.from),
            brief(&c.to)
        ));
    }
    lines.join("\n")
}

/// Exports the plan in a format, or CloudFormation's errors if any parameter
/// is missing or breaks a constraint. A template needs no values (they are
/// given at deploy time), so only the other errors stop it.
pub fn export(plan: &Plan, format: Format) -> Result<String, Vec<ParameterError>> {
    let (resolved, mut errors) = resolve(plan);
    if format.template().is_some()
        || matches!(format, Format::OwnTemplateYaml | Format::OwnTemplateJson)
    {
        errors.retain(|e| !e.is_missing_values());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("JSON values serialise") + "\n";
    Ok(match format {
        Format::CfnParameters => pretty(&json!(values(&resolved)
            .map(|(k, v)| json!({"ParameterKey": k, "ParameterValue": v}))
            .collect::<Vec<_>>())),
        Format::DeployOverrides => pretty(&json!(values(&resolved)
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>())),
        Format::DeployOverridesInline => {
            values(&resolved)
                .map(|(k, v)| format!("{k}={}", shell_quote(v)))
                .collect::<Vec<_>>()
                .join(" ")
                + "\n"
        }
        Format::CodePipeline => {
            let params: Map<String, Value> = values(&resolved)
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            let mut doc = json!({ "Parameters": params });
            if let Some(tags) = plan
                .cloud_formation
                .as_ref()
                .map(|c| &c.tags)
                .filter(|t| !t.is_empty())
            {
                doc["Tags"] = json!(tags);
            }
            pretty(&doc)
        }
        Format::Ansible => {
            let mut out = format!(
                "# Ansible group_vars for stack {}: each config_* variable feeds the CloudFormation parameter of the same name.\n",
                plan.cloud_formation.as_ref().map_or("", |c| c.stack_name.as_str())
            );
            let cfn = plan.cloud_formation.as_ref();
            for r in &resolved {
                let key = format!("config_{}", snake_case(&r.name));
                let Some(v) = &r.value else {
                    out.push_str(&format!("# {key}: given at deploy time (NoEcho)\n"));
                    continue;
                };
                let is_number = cfn
                    .and_then(|c| c.parameters.get(&r.name))
                    .is_some_and(|p| p.kind == "Number")
                    && v.parse::<f64>().is_ok();
                let value = if is_number { v.clone() } else { scalar(v) };
                match r.source {
                    // The playbook leaves these out and the template's Default applies (as the seed's VpcName).
                    Source::Default => {
                        out.push_str(&format!("# {key}: {value}  (template default)\n"))
                    }
                    _ => out.push_str(&format!("{key}: {value}\n")),
                }
            }
            out
        }
        Format::OwnTemplateYaml | Format::OwnTemplateJson => {
            let written = write_back(plan).map_err(|message| {
                vec![ParameterError {
                    parameter: String::new(),
                    path: "$.cloudFormation.source".into(),
                    message,
                }]
            })?;
            if format == Format::OwnTemplateJson {
                pretty(&written.template)
            } else {
                to_yaml(&written.template)
            }
        }
        Format::TemplateJson
        | Format::TemplateYaml
        | Format::ServicesTemplateYaml
        | Format::ServicesTemplateJson => {
            let (shape, json) = format.template().expect("a template format");
            let template = write(plan, shape).template;
            if json {
                pretty(&template)
            } else {
                to_yaml(&template)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        assert_eq!(
            snake_case("ApplicationDesiredCount"),
            "application_desired_count"
        );
        assert_eq!(snake_case("VpcName"), "vpc_name");
        assert_eq!(snake_case("ApplicationImageId"), "application_image_id");
        assert_eq!(snake_case("DBInstanceClass"), "db_instance_class");
        assert_eq!(snake_case("Ec2KeyPair"), "ec2_key_pair");
    }
}
