//! The intrinsic functions and conditions beyond `Ref` and `Fn::Sub`, as
//! the CloudFormation User Guide's "Intrinsic function reference" defines
//! them: `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If`
//! and the condition functions, pseudo parameters and `AWS::NoValue`, and
//! the account-only values (`Fn::GetAtt`, `Fn::ImportValue`, `Fn::GetAZs`)
//! as visible placeholders.

use serde_json::Value;

use super::intrinsics::{Ctx, Resolved};

/// A function's one key and its argument, when `v` is `{"Fn::X": arg}`.
fn function(v: &Value) -> Option<(&str, &Value)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    m.iter().next().map(|(k, a)| (k.as_str(), a))
}

impl Ctx<'_> {
    /// The value of `v` when it is one of this module's forms; none when it
    /// is not (the caller goes on with `Ref` and `Fn::Sub`).
    pub(super) fn evaluate(
        &mut self,
        v: &Value,
        path: &str,
        binding: Option<String>,
    ) -> Option<Resolved> {
        let (name, arg) = function(v)?;
        let args = arg.as_array().map(Vec::as_slice);
        Some(match (name, args) {
            ("Ref", _) => match arg.as_str()? {
                // "Pseudo parameters reference": AWS::NoValue removes the property.
                "AWS::NoValue" => Resolved::NoValue,
                p => Resolved::Text(super::intrinsics::pseudo_value(
                    p,
                    &self.stack_name,
                    &self.region,
                )?),
            },
            ("Fn::Join", Some([delimiter, list])) => self.join(v, delimiter, list, path),
            ("Fn::Select", Some([index, list])) => self.select(v, index, list, path),
            ("Fn::If", Some([condition, yes, no])) => {
                match condition.as_str().and_then(|c| self.condition(c)) {
                    Some(true) => self.resolve(yes, path, binding),
                    Some(false) => self.resolve(no, path, binding),
                    None => self.keep(v, path, "Fn::If names a condition Berth cannot evaluate"),
                }
            }
            ("Fn::FindInMap", Some([map, top, second])) => {
                self.find_in_map(v, [map, top, second], path)
            }
            // Only a running stack knows these: shown, never empty.
            ("Fn::GetAtt", _) => self.get_att(v, arg, path),
            ("Fn::ImportValue", _) => match self.text_of(arg, path) {
                Some(name) => Resolved::Text(format!("{{{{ImportValue:{name}}}}}")),
                None => self.keep(
                    v,
                    path,
                    "Fn::ImportValue names an export Berth cannot resolve",
                ),
            },
            ("Fn::GetAZs", _) => {
                Resolved::Text(format!("{{{{GetAZs:{}}}}}", self.azs_region(arg, path)))
            }
            ("Fn::Join", _) => self.keep(v, path, "Fn::Join takes [delimiter, [values]]"),
            ("Fn::Select", _) => self.keep(v, path, "Fn::Select takes [index, list]"),
            ("Fn::If", _) => self.keep(v, path, "Fn::If takes [condition, value, value]"),
            ("Fn::FindInMap", _) => self.keep(v, path, "Fn::FindInMap takes [map, key, key]"),
            _ => return None,
        })
    }

    /// Fn::Join: [delimiter, [values]].
    fn join(&mut self, v: &Value, delimiter: &Value, list: &Value, path: &str) -> Resolved {
        let Some(delimiter) = delimiter.as_str() else {
            return self.keep(v, path, "Fn::Join's delimiter is not a string");
        };
        match self.list(list, path) {
            Some(items) => Resolved::Text(items.join(delimiter)),
            None => self.keep(v, path, "Fn::Join has a value Berth cannot resolve"),
        }
    }

    /// Fn::GetAZs' region: its argument, or the stack's region when it is "".
    fn azs_region(&mut self, arg: &Value, path: &str) -> String {
        self.text_of(arg, path)
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| self.region.clone())
    }

    /// Fn::Select: [index, list].
    fn select(&mut self, v: &Value, index: &Value, list: &Value, path: &str) -> Resolved {
        let index = self
            .text_of(index, path)
            .and_then(|i| i.trim().parse::<usize>().ok());
        // Only the account knows a region's zones: the i-th stays a placeholder.
        if let (Some(i), Some(("Fn::GetAZs", arg))) = (index, function(list)) {
            return Resolved::Text(format!(
                "{{{{GetAZs:{}[{i}]}}}}",
                self.azs_region(arg, path)
            ));
        }
        match (index, self.list(list, path)) {
            (Some(i), Some(items)) if i < items.len() => Resolved::Text(items[i].clone()),
            (Some(i), Some(items)) => self.keep(
                v,
                path,
                &format!(
                    "Fn::Select index {i} is past the list's {} values",
                    items.len()
                ),
            ),
            _ => self.keep(v, path, "Fn::Select has a value Berth cannot resolve"),
        }
    }

    /// Fn::FindInMap: [map, top-level key, second-level key] in `Mappings`.
    fn find_in_map(&mut self, v: &Value, keys: [&Value; 3], path: &str) -> Resolved {
        let keys = keys.map(|k| self.text_of(k, path));
        let found = match &keys {
            [Some(m), Some(t), Some(s)] => self
                .template
                .get("Mappings")
                .and_then(|ms| ms.get(m))
                .and_then(|m| m.get(t))
                .and_then(|t| t.get(s))
                .cloned(),
            _ => None,
        };
        // "Mappings": values are literal strings or lists, never intrinsics.
        match found {
            Some(value) => match crate::model::scalar::scalar_to_string(&value) {
                Some(text) => Resolved::Text(text),
                None => self.keep(v, path, "Fn::FindInMap found a value that is not a string"),
            },
            None => self.keep(v, path, "Fn::FindInMap finds no such entry in Mappings"),
        }
    }

    /// Fn::GetAtt, "Resource.Attribute" or [resource, attribute]: a placeholder.
    fn get_att(&mut self, v: &Value, arg: &Value, path: &str) -> Resolved {
        let name = match arg {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts
                .iter()
                .filter_map(|p| self.text_of(p, path))
                .collect::<Vec<_>>()
                .join("."),
            _ => return self.keep(v, path, "Fn::GetAtt takes [resource, attribute]"),
        };
        Resolved::Text(format!("{{{{GetAtt:{name}}}}}"))
    }

    /// `v` resolved without keeping or warning about what does not resolve:
    /// the enclosing function is kept whole, once.
    pub(super) fn quietly(&mut self, v: &Value, path: &str) -> Resolved {
        let kept = self.unresolved.len();
        let warned = self.warnings.len();
        let out = self.resolve(v, path, None);
        self.unresolved.truncate(kept);
        self.warnings.truncate(warned);
        out
    }

    /// `v` as text, or none (without keeping it: the caller keeps the whole).
    fn text_of(&mut self, v: &Value, path: &str) -> Option<String> {
        match self.quietly(v, path) {
            Resolved::Text(t) | Resolved::Resource(t) => Some(t),
            Resolved::NoValue | Resolved::Unresolved => None,
        }
    }

    /// A list argument: an array (AWS::NoValue items drop out), `Fn::Split`,
    /// a list parameter's value, or `Fn::If` choosing one.
    fn list(&mut self, v: &Value, path: &str) -> Option<Vec<String>> {
        if let Some(items) = v.as_array() {
            let mut out = Vec::new();
            for item in items {
                match self.quietly(item, path) {
                    Resolved::Text(t) | Resolved::Resource(t) => out.push(t),
                    Resolved::NoValue => {}
                    Resolved::Unresolved => return None,
                }
            }
            return Some(out);
        }
        match function(v)? {
            // Fn::Split: [delimiter, source string].
            ("Fn::Split", arg) => match arg.as_array().map(Vec::as_slice) {
                Some([delimiter, source]) => {
                    let delimiter = delimiter.as_str()?.to_string();
                    let text = self.text_of(source, path)?;
                    Some(text.split(delimiter.as_str()).map(str::to_string).collect())
                }
                _ => None,
            },
            ("Fn::If", arg) => match arg.as_array().map(Vec::as_slice) {
                Some([condition, yes, no]) => {
                    let c = self.condition(condition.as_str()?)?;
                    self.list(if c { yes } else { no }, path)
                }
                _ => None,
            },
            // A CommaDelimitedList or List<…> parameter.
            ("Ref", name) => {
                let value = self.values.get(name.as_str()?)?.clone()?;
                Some(value.split(',').map(|s| s.trim().to_string()).collect())
            }
            _ => None,
        }
    }

    /// Whether resource `id` is created: a resource whose `Condition` is
    /// false is not (and is said to be skipped); one whose condition Berth
    /// cannot evaluate is read, with a warning.
    pub(super) fn exists(&mut self, id: &str, r: &Value) -> bool {
        let Some(name) = r.get("Condition").and_then(Value::as_str) else {
            return true;
        };
        match self.condition(name) {
            Some(created) => {
                if !created {
                    self.warnings.push(format!(
                        "$.Resources.{id}: not created, its Condition {name} is false"
                    ));
                }
                created
            }
            None => {
                self.warnings.push(format!(
                    "$.Resources.{id}: Condition {name} cannot be evaluated by Berth; read as created"
                ));
                true
            }
        }
    }

    /// A named condition of the template's `Conditions`, evaluated; none when
    /// it is missing or uses what Berth cannot evaluate.
    pub(super) fn condition(&mut self, name: &str) -> Option<bool> {
        if let Some(known) = self.conditions.get(name) {
            return *known;
        }
        let body = self.template.get("Conditions")?.get(name)?.clone();
        if self.depth >= super::intrinsics::MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = self.truth(&body, "$.Conditions");
        self.depth -= 1;
        self.conditions.insert(name.to_string(), out);
        out
    }

    /// A condition function: `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`,
    /// or `{"Condition": name}`.
    fn truth(&mut self, v: &Value, path: &str) -> Option<bool> {
        let (name, arg) = function(v)?;
        let args = arg.as_array();
        match name {
            "Condition" => self.condition(arg.as_str()?),
            "Fn::Equals" => match args.map(Vec::as_slice) {
                Some([a, b]) => Some(self.text_of(a, path)? == self.text_of(b, path)?),
                _ => None,
            },
            "Fn::Not" => match args.map(Vec::as_slice) {
                Some([c]) => self.truth(c, path).map(|t| !t),
                _ => None,
            },
            "Fn::And" | "Fn::Or" => {
                let mut values = Vec::new();
                for c in args? {
                    values.push(self.truth(c, path)?);
                }
                Some(if name == "Fn::And" {
                    values.iter().all(|t| *t)
                } else {
                    values.iter().any(|t| *t)
                })
            }
            _ => None,
        }
    }
}
