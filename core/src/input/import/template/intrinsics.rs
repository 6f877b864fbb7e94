//! The values of a template, as CloudFormation evaluates them (issue 16; the
//! CloudFormation User Guide, "Intrinsic function reference"): scalars;
//! `Ref` to a parameter (its value given, else its Default, remembered as a
//! binding), to a pseudo parameter (documented defaults: region us-east-1,
//! account 123456789012) or to a resource; `Fn::Sub` (both forms),
//! `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap` with `Mappings`,
//! `Fn::If` with `Conditions` (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`,
//! `Condition`) and `AWS::NoValue`. Values that exist only in a running
//! account (`Fn::GetAtt`, `Fn::ImportValue`, a resource's physical id in a
//! `Fn::Sub`) become visible placeholders such as
//! `{{GetAtt:Database.Endpoint.Address}}`, never an empty string. What Berth
//! cannot evaluate is kept, with its path, in `cloudFormation.unresolved` and
//! said in a warning; never dropped.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::super::{error, ImportError};
use crate::cfn::template::METADATA_KEY;

/// What a template value resolved to.
pub(super) enum Resolved {
    Text(String),
    /// A Ref to another resource of the template.
    Resource(String),
    /// `AWS::NoValue`: the property is absent.
    NoValue,
    Unresolved,
}

/// How deep conditions and intrinsics may nest before Berth stops
/// evaluating (a condition naming itself would otherwise never end).
pub(super) const MAX_DEPTH: u32 = 64;

/// How many intrinsics one import evaluates before it stops: a `Fn::Sub`
/// whose variable is a `Fn::Sub` naming its own variable twice, 64 deep,
/// would otherwise take 2^64 steps from a few kilobytes of template.
pub(super) const FUEL: u32 = 200_000;

/// The longest text one value may resolve to (64 KiB, far past any field
/// ECS accepts): the same doubling would otherwise build it in memory.
pub(super) const MAX_TEXT: usize = 64 * 1024;

/// The region `AWS::Region` reads unless the import is given one.
pub(super) const DEFAULT_REGION: &str = "us-east-1";

/// Pseudo parameters (User Guide, "Pseudo parameters reference"), with the
/// defaults Berth documents for a template read outside an account.
pub(super) fn pseudo_value(name: &str, stack: &str, region: &str) -> Option<String> {
    Some(match name {
        "AWS::Region" => region.into(),
        "AWS::AccountId" => "123456789012".into(),
        "AWS::Partition" => "aws".into(),
        "AWS::URLSuffix" => "amazonaws.com".into(),
        "AWS::StackName" => stack.into(),
        "AWS::StackId" => {
            format!("arn:aws:cloudformation:{region}:123456789012:stack/{stack}/{{{{StackId}}}}")
        }
        _ => return None,
    })
}

pub(super) struct Ctx<'a> {
    /// The template: its Conditions and Mappings.
    pub(super) template: &'a Map<String, Value>,
    /// What `AWS::StackName` reads.
    pub(super) stack_name: String,
    /// What `AWS::Region` reads.
    pub(super) region: String,
    /// How deep the evaluation is now (see [`MAX_DEPTH`]).
    pub(super) depth: u32,
    /// Evaluation steps left (see [`FUEL`]).
    pub(super) fuel: u32,
    /// Conditions evaluated so far: each once, however many name it (a
    /// chain of conditions naming the next twice would otherwise double
    /// the work at every link).
    pub(super) conditions: IndexMap<String, Option<bool>>,
    /// Parameter → its value (given, else Default), None when it has neither.
    pub(super) values: IndexMap<String, Option<String>>,
    pub(super) resources: &'a Map<String, Value>,
    /// Parameter → every field it was read into, in the template's order.
    pub(super) bindings: IndexMap<String, Vec<String>>,
    pub(super) unresolved: IndexMap<String, Value>,
    pub(super) warnings: Vec<String>,
    /// Resources read for what they give another (a target group's
    /// deregistration delay, a scalable target's range): not "ignored".
    pub(super) consulted: Vec<String>,
    /// Whether Berth wrote the template in one of its shapes: what it
    /// adds only to deploy (network, roles, logs) is not the user's, and
    /// leaving it out of the plan is not worth a word.
    pub(super) written_by_berth: bool,
    /// Plan field → the template path of the literal it was read from.
    pub(super) literals: IndexMap<String, String>,
}

impl Ctx<'_> {
    pub(super) fn resolve(&mut self, v: &Value, path: &str, binding: Option<String>) -> Resolved {
        if let Some(s) = crate::model::scalar::scalar_to_string(v) {
            // Only the value at `path` itself: a literal inside an intrinsic
            // (a branch of Fn::If) is not where the field can be written.
            if let (Some(b), 0) = (binding, self.depth) {
                self.literals.insert(b, path.to_string());
            }
            return Resolved::Text(s);
        }
        if self.depth >= MAX_DEPTH {
            return self.keep(v, path, "intrinsics nested too deep to evaluate");
        }
        if self.fuel == 0 {
            return self.keep(
                v,
                path,
                "the template's intrinsics take too many steps to evaluate",
            );
        }
        self.fuel -= 1;
        self.depth += 1;
        let out = self.resolve_inner(v, path, binding);
        self.depth -= 1;
        match out {
            Resolved::Text(t) if t.len() > MAX_TEXT => {
                self.keep(v, path, &format!("resolves to more than {MAX_TEXT} bytes"))
            }
            out => out,
        }
    }

    fn resolve_inner(&mut self, v: &Value, path: &str, binding: Option<String>) -> Resolved {
        if let Some(r) = self.evaluate(v, path, binding.clone()) {
            return r;
        }
        if let Some(name) = v.get("Ref").and_then(Value::as_str) {
            if let Some(value) = self.values.get(name).cloned() {
                if let Some(b) = binding {
                    self.bind(name, b);
                }
                return match value {
                    Some(v) => Resolved::Text(v),
                    None => self.keep(
                        v,
                        path,
                        &format!(
                            "parameter {name} has neither a value (--param {name}=…) nor a Default"
                        ),
                    ),
                };
            }
            if self.resources.contains_key(name) {
                return Resolved::Resource(name.to_string());
            }
            return self.keep(
                v,
                path,
                &format!("Ref {name} names neither a parameter nor a resource"),
            );
        }
        if let Some(sub) = v.get("Fn::Sub") {
            if let Some(text) = sub.as_str() {
                return self.substitute(text, &Map::new(), v, path, binding);
            }
            // The second form: [text, {Var: value}].
            if let Some([text, vars]) = sub.as_array().map(Vec::as_slice) {
                if let (Some(text), Some(vars)) = (text.as_str(), vars.as_object()) {
                    return self.substitute(text, vars, v, path, binding);
                }
            }
        }
        let name = v
            .as_object()
            .and_then(|m| m.keys().next().cloned())
            .unwrap_or_else(|| "value".into());
        self.keep(v, path, &format!("{name} cannot be resolved by Berth"))
    }

    /// `Fn::Sub` with `${Name}` references to `vars`, parameters, pseudo
    /// parameters and resources (`${!Literal}` writes `${Literal}`);
    /// "repo:${Tag}" on an image binds the tag.
    pub(super) fn substitute(
        &mut self,
        text: &str,
        vars: &Map<String, Value>,
        raw: &Value,
        path: &str,
        binding: Option<String>,
    ) -> Resolved {
        let mut out = String::new();
        let mut rest = text;
        let mut used = Vec::new();
        while let Some(start) = rest.find("${") {
            if out.len() > MAX_TEXT {
                break; // resolve refuses the whole value
            }
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 2..start + end];
            rest = &rest[start + end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
                continue;
            }
            if let Some(v) = vars.get(name) {
                match self.resolve(v, path, None) {
                    Resolved::Text(t) | Resolved::Resource(t) => out.push_str(&t),
                    Resolved::NoValue => {}
                    Resolved::Unresolved => return Resolved::Unresolved,
                }
                continue;
            }
            match self.values.get(name).cloned() {
                Some(Some(v)) => {
                    out.push_str(&v);
                    used.push(name.to_string());
                }
                Some(None) => {
                    return self.keep(
                        raw,
                        path,
                        &format!(
                            "parameter {name} has neither a value (--param {name}=…) nor a Default"
                        ),
                    )
                }
                None => match self.name_in_sub(name) {
                    Some(t) => out.push_str(&t),
                    None => {
                        return self.keep(
                            raw,
                            path,
                            &format!("Fn::Sub uses ${{{name}}}, which Berth cannot resolve"),
                        )
                    }
                },
            }
        }
        out.push_str(rest);
        if let (Some(b), [name]) = (binding, used.as_slice()) {
            if text.ends_with(&format!(":${{{name}}}")) && b.ends_with(".image") {
                self.bind(&name.clone(), format!("{b}:tag"));
            }
        }
        Resolved::Text(out)
    }

    /// A `${Name}` in a Fn::Sub that is no parameter: a pseudo parameter, or
    /// a resource (its physical id, or `Resource.Attribute`), as a placeholder.
    fn name_in_sub(&self, name: &str) -> Option<String> {
        if let Some(p) = pseudo_value(name, &self.stack_name, &self.region) {
            return Some(p);
        }
        let resource = name.split('.').next().unwrap_or(name);
        if !self.resources.contains_key(resource) {
            return None;
        }
        Some(if name.contains('.') {
            format!("{{{{GetAtt:{name}}}}}")
        } else {
            format!("{{{{Ref:{name}}}}}")
        })
    }

    /// Remembers that parameter `name` sets field `path`: every field it
    /// sets is kept, so they move together and export never picks one.
    pub(super) fn bind(&mut self, name: &str, path: String) {
        let paths = self.bindings.entry(name.to_string()).or_default();
        if !paths.contains(&path) {
            paths.push(path);
        }
    }

    pub(super) fn keep(&mut self, v: &Value, path: &str, why: &str) -> Resolved {
        self.warnings
            .push(format!("{path}: {why}; kept in cloudFormation.unresolved"));
        self.unresolved.insert(path.to_string(), v.clone());
        Resolved::Unresolved
    }

    pub(super) fn text(
        &mut self,
        v: Option<&Value>,
        path: &str,
        binding: Option<String>,
    ) -> Option<String> {
        match self.resolve(v?, path, binding) {
            Resolved::Text(s) => Some(s),
            Resolved::Resource(r) => Some(r),
            Resolved::NoValue | Resolved::Unresolved => None,
        }
    }

    pub(super) fn number(
        &mut self,
        v: Option<&Value>,
        path: &str,
        binding: Option<String>,
    ) -> Result<Option<u32>, ImportError> {
        match self.text(v, path, binding) {
            None => Ok(None),
            Some(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| error(path, format!("\"{s}\" is not a whole number"))),
        }
    }
}

/// What a Berth export kept in a resource's metadata under `key`.
pub(super) fn berth_meta<'a>(r: &'a Value, key: &str) -> Option<&'a Value> {
    r.get("Metadata")?.get(METADATA_KEY)?.get(key)
}
