//! The values of a template: scalars, `Ref` to a parameter (its value given,
//! else its Default, remembered as a binding) or to a resource, and `Fn::Sub`
//! over parameters. What Berth cannot resolve is kept, with its path, in
//! `cloudFormation.unresolved` and said in a warning; never dropped.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::super::{error, ImportError};
use crate::cfn::template::METADATA_KEY;

/// What a template value resolved to.
pub(super) enum Resolved {
    Text(String),
    /// A Ref to another resource of the template.
    Resource(String),
    Unresolved,
}

pub(super) struct Ctx<'a> {
    /// Parameter → its value (given, else Default), None when it has neither.
    pub(super) values: IndexMap<String, Option<String>>,
    pub(super) resources: &'a Map<String, Value>,
    pub(super) bindings: IndexMap<String, String>,
    pub(super) unresolved: IndexMap<String, Value>,
    pub(super) warnings: Vec<String>,
}

impl Ctx<'_> {
    pub(super) fn resolve(&mut self, v: &Value, path: &str, binding: Option<String>) -> Resolved {
        if let Some(s) = crate::model::scalar::scalar_to_string(v) {
            return Resolved::Text(s);
        }
        if let Some(name) = v.get("Ref").and_then(Value::as_str) {
            if let Some(value) = self.values.get(name).cloned() {
                if let Some(b) = binding {
                    self.bindings.insert(name.to_string(), b);
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
                return self.substitute(text, v, path, binding);
            }
        }
        let name = v
            .as_object()
            .and_then(|m| m.keys().next().cloned())
            .unwrap_or_else(|| "value".into());
        self.keep(v, path, &format!("{name} cannot be resolved by Berth"))
    }

    /// `Fn::Sub` with `${Param}` references; "repo:${Tag}" on an image binds the tag.
    pub(super) fn substitute(
        &mut self,
        text: &str,
        raw: &Value,
        path: &str,
        binding: Option<String>,
    ) -> Resolved {
        let mut out = String::new();
        let mut rest = text;
        let mut used = Vec::new();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 2..start + end];
            match self.values.get(name).cloned() {
                Some(Some(v)) => {
                    out.push_str(&v);
                    used.push(name.to_string());
                }
                _ => {
                    return self.keep(
                        raw,
                        path,
                        &format!("Fn::Sub uses ${{{name}}}, which Berth cannot resolve"),
                    )
                }
            }
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        if let (Some(b), [name]) = (binding, used.as_slice()) {
            if text.ends_with(&format!(":${{{name}}}")) && b.ends_with(".image") {
                self.bindings.insert(name.clone(), format!("{b}:tag"));
            }
        }
        Resolved::Text(out)
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
            Resolved::Unresolved => None,
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
