//! Reading a scalar (string, number, boolean) where a plan or template
//! field wants one: the serde helpers the model's own deserializers share.

use serde_json::Value;

/// A scalar as CloudFormation sees it: every parameter value is a string.
pub fn scalar_to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A scalar (string, number, boolean or null) as a [`Value`], for Berth's
/// own deserializers that check a value once read. Read through
/// `deserialize_any`, a map or list where the scalar belongs fails inside
/// serde_json, which then knows where; read as a whole `Value` and refused
/// afterwards, it could only be placed near its neighbours.
pub fn scalar<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    struct Scalar;
    impl<'de> serde::de::Visitor<'de> for Scalar {
        type Value = Value;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string, number or boolean")
        }
        fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
            Ok(Value::Bool(b))
        }
        fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
            Ok(n.into())
        }
        fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
            Ok(n.into())
        }
        fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
            Ok(n.into())
        }
        fn visit_str<E>(self, s: &str) -> Result<Value, E> {
            Ok(s.into())
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        // Not serde's "invalid type: map", which `path_at` takes to mean that
        // serde_json stopped before the map rather than on its bracket.
        fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
            Err(serde::de::Error::custom(
                "expected a string, number or boolean, not a map",
            ))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
            Err(serde::de::Error::custom(
                "expected a string, number or boolean, not a list",
            ))
        }
    }
    d.deserialize_any(Scalar)
}
