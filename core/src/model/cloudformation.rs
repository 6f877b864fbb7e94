//! The plan's `cloudFormation` section: the template's parameters as
//! CloudFormation declares them, the values and bindings that fill them
//! (§6.3). Only the data lives here; resolving values is `cfn::params`.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::scalar::{scalar, scalar_to_string};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// The plan's `cloudFormation` section: the template's parameters, their values and bindings, and what an import could not resolve.
pub struct CloudFormation {
    #[serde(default)]
    /// The stack's name, for create-stack and the pipeline configuration.
    pub stack_name: String,
    /// Declared in template order, as CloudFormation's Parameters section.
    #[serde(default)]
    pub parameters: IndexMap<String, Parameter>,
    /// Explicit values; they win over bindings and defaults.
    #[serde(default, deserialize_with = "scalar_map")]
    pub values: IndexMap<String, String>,
    /// Parameter → the plan fields it sets, e.g.
    /// `cluster.instanceGroups[app].count`: one (written as a string) or
    /// several (a list: a template's parameter may feed many fields, which
    /// then move together, issue 16).
    #[serde(
        default,
        deserialize_with = "one_or_many",
        serialize_with = "one_or_many_out"
    )]
    pub bindings: IndexMap<String, Vec<String>>,
    /// Stack tags, written into the CodePipeline configuration.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "scalar_map"
    )]
    pub tags: IndexMap<String, String>,
    /// Template values an import could not resolve, by JSON path, kept as found.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub unresolved: IndexMap<String, Value>,
    /// The template the plan was imported from, to write it back with the
    /// plan's changes (issue 23, item 4): a [`SourceTemplate`] as JSON,
    /// read only by the export (so the module that draws the board carries
    /// no code to read it); none for a plan made otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Value>,
}

/// A user's template as Berth imported it: the document, what the import
/// was given, and where each plan field it read from a literal lives in it.
/// Importing `template` again with `given` and `region` gives the plan as
/// it was imported, which is what an export compares the plan with.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceTemplate {
    /// The parsed document (YAML's short forms as their long-form maps).
    pub template: Value,
    /// The parameter values the import was given.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub given: IndexMap<String, String>,
    /// The region the import read `AWS::Region` as, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Plan field (a binding path, `services[web].desiredCount`) → the JSON
    /// path of the literal it was read from (`$.Resources.Web.Properties.DesiredCount`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fields: IndexMap<String, String>,
}

/// One entry of a template's Parameters section (§6.3), CloudFormation's names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(rename = "Type")]
    /// The parameter's `Type`, e.g. `String`, `Number`, `AWS::EC2::Image::Id`.
    pub kind: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    /// Its `Default`, used when no value or binding gives one.
    pub default: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "scalar_list"
    )]
    /// `AllowedValues`: a value must be one of them.
    pub allowed_values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `AllowedPattern`: a regular expression a value must match.
    pub allowed_pattern: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number",
        serialize_with = "whole_number"
    )]
    /// `MinLength` of a String value.
    pub min_length: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number",
        serialize_with = "whole_number"
    )]
    /// `MaxLength` of a String value.
    pub max_length: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number",
        serialize_with = "whole_number"
    )]
    /// `MinValue` of a Number value.
    pub min_value: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number",
        serialize_with = "whole_number"
    )]
    /// `MaxValue` of a Number value.
    pub max_value: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "flexible_bool"
    )]
    /// `NoEcho`: the value is a secret, never written out.
    pub no_echo: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its `Description`.
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `ConstraintDescription`: what CloudFormation says when a constraint fails.
    pub constraint_description: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn opt_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match scalar(d)? {
        Value::Null => Ok(None),
        v => scalar_to_string(&v)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("expected a string or number")),
    }
}

/// A scalar read as a string, checked as it is read so that a wrong value
/// inside a list or map is reported at its own path (see `json_path`).
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        scalar_to_string(&scalar(d)?)
            .map(Scalar)
            .ok_or_else(|| serde::de::Error::custom("expected a string or number"))
    }
}

fn scalar_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Vec::<Scalar>::deserialize(d)?
        .into_iter()
        .map(|Scalar(s)| s)
        .collect())
}

/// Each binding as a path, or a list of paths.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<IndexMap<String, Vec<String>>, D::Error> {
    Ok(IndexMap::<String, Paths>::deserialize(d)?
        .into_iter()
        .map(|(k, Paths(p))| (k, p))
        .collect())
}

/// One binding's paths, read from a string or a list of strings (with the
/// index of a bad item in the error's path).
struct Paths(Vec<String>);

impl<'de> Deserialize<'de> for Paths {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Paths;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a binding path or a list of them")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Paths, E> {
                Ok(Paths(vec![s.to_string()]))
            }
            // Worded as `scalar`'s refusal, so the error's path is the map's.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Paths, A::Error> {
                Err(serde::de::Error::custom(
                    "expected a binding path or a list of them, not a map",
                ))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Paths, A::Error> {
                let mut out = Vec::new();
                while let Some(p) = seq.next_element::<String>()? {
                    out.push(p);
                }
                Ok(Paths(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// The bindings as a plan (and Berth's template metadata) writes them: a
/// binding of one field as its path, as plans before issue 16 wrote it; a
/// list when there are several.
pub fn bindings_json(bindings: &IndexMap<String, Vec<String>>) -> Value {
    bindings
        .iter()
        .map(|(k, paths)| match paths.as_slice() {
            [one] => (k.clone(), Value::String(one.clone())),
            many => (k.clone(), many.into()),
        })
        .collect::<serde_json::Map<String, Value>>()
        .into()
}

fn one_or_many_out<S: serde::Serializer>(
    bindings: &IndexMap<String, Vec<String>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    bindings_json(bindings).serialize(s)
}

fn scalar_map<'de, D: Deserializer<'de>>(d: D) -> Result<IndexMap<String, String>, D::Error> {
    Ok(IndexMap::<String, Scalar>::deserialize(d)?
        .into_iter()
        .map(|(k, Scalar(s))| (k, s))
        .collect())
}

fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match scalar(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("\"{s}\" is not a number"))),
        _ => Err(serde::de::Error::custom("expected a number")),
    }
}

/// Writes 0 rather than 0.0 when a bound is whole, as templates do.
fn whole_number<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => s.serialize_i64(*n as i64),
        Some(n) => s.serialize_f64(*n),
        None => s.serialize_none(),
    }
}

fn flexible_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match scalar(d)? {
        Value::Bool(b) => Ok(b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(serde::de::Error::custom("expected true or false")),
    }
}
