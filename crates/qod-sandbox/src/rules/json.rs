//! The JSON Schema checks the specs use, each answering with the CAMARA
//! error a server gives for a body that breaks it.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::reply::Reply;

/// A JSON value in which no object names a key twice. RFC 8259 leaves
/// duplicates to each parser (first wins, last wins, error), so a body
/// with them means different things to a gateway and to the server behind
/// it: the sandbox refuses them rather than pick one. serde_json's nesting
/// limit (128) still applies, as the visitor recurses through it.
struct DistinctKeys(Value);

impl<'de> Deserialize<'de> for DistinctKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(DistinctKeysVisitor)
            .map(DistinctKeys)
    }
}

struct DistinctKeysVisitor;

impl<'de> Visitor<'de> for DistinctKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(DistinctKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                // A key may be long: name its start only.
                let shown: String = key.chars().take(64).collect();
                return Err(A::Error::custom(format!("duplicate key \"{shown}\"")));
            }
            let DistinctKeys(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// The request body as a JSON object.
pub(crate) fn object_body(body: &[u8]) -> Result<Map<String, Value>, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Reply::invalid("The request body is missing"));
    }
    match serde_json::from_slice::<DistinctKeys>(body).map(|v| v.0) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Reply::invalid(
            "Schema validation failed: the body must be a JSON object",
        )),
        Err(e) => Err(Reply::invalid(&format!(
            "Schema validation failed: the body is not JSON ({e})"
        ))),
    }
}

/// `path.name`, or `name` at the top.
pub(crate) fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// A property that is present and not `null`.
pub(crate) fn present<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).filter(|v| !v.is_null())
}

/// A required property.
pub(crate) fn required<'a>(
    map: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<&'a Value, Reply> {
    present(map, name).ok_or_else(|| Reply::missing(&child(path, name)))
}

pub(crate) fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, Reply> {
    value
        .as_object()
        .ok_or_else(|| Reply::schema(path, "must be an object"))
}

pub(crate) fn string<'a>(value: &'a Value, path: &str) -> Result<&'a str, Reply> {
    value
        .as_str()
        .ok_or_else(|| Reply::schema(path, "must be a string"))
}

pub(crate) fn non_empty_array<'a>(value: &'a Value, path: &str) -> Result<&'a [Value], Reply> {
    match value.as_array() {
        Some(items) if !items.is_empty() => Ok(items),
        Some(_) => Err(Reply::schema(path, "must have at least one item")),
        None => Err(Reply::schema(path, "must be an array")),
    }
}

/// A JSON integer (`60`, not `60.0` or `"60"`).
pub(crate) fn integer(value: &Value, path: &str) -> Result<i128, Reply> {
    value
        .as_i64()
        .map(i128::from)
        .or_else(|| value.as_u64().map(i128::from))
        .ok_or_else(|| Reply::schema(path, "must be an integer"))
}

/// An integer within `min..=max`, as `INVALID_ARGUMENT` otherwise.
pub(crate) fn integer_in(value: &Value, path: &str, min: i64, max: i64) -> Result<i64, Reply> {
    let n = integer(value, path)?;
    if n < i128::from(min) || n > i128::from(max) {
        return Err(Reply::schema(
            path,
            &format!("must be an integer from {min} to {max}"),
        ));
    }
    // In range of i64 by the check above.
    Ok(i64::try_from(n).unwrap_or(min))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(reply: Reply) -> String {
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        body["message"].as_str().unwrap().to_owned()
    }

    #[test]
    fn bodies() {
        assert!(object_body(b"{}").unwrap().is_empty());
        assert_eq!(
            message(object_body(b"").unwrap_err()),
            "The request body is missing"
        );
        assert_eq!(
            message(object_body(b" \r\n").unwrap_err()),
            "The request body is missing"
        );
        assert!(message(object_body(b"[]").unwrap_err()).contains("JSON object"));
        assert!(message(object_body(b"{").unwrap_err()).contains("not JSON"));
    }

    #[test]
    fn duplicate_keys_at_any_depth_are_refused() {
        for body in [
            r#"{"a":1,"a":1}"#,
            r#"{"a":1,"b":{"c":[{"d":1,"d":2}]}}"#,
            r#"{"a":{},"b":2,"a":{}}"#,
        ] {
            let error = message(object_body(body.as_bytes()).unwrap_err());
            assert!(error.contains("duplicate key"), "{body}: {error}");
        }
        let long = format!(r#"{{"{0}":1,"{0}":2}}"#, "k".repeat(100_000));
        let error = message(object_body(long.as_bytes()).unwrap_err());
        assert!(error.len() < 300, "{error}");
        // The same name in different objects is no duplicate.
        let map = object_body(br#"{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":-1.5e3}"#).unwrap();
        assert_eq!(map["b"][1]["a"], 2);
        assert_eq!(map["c"], -1500.0);
        // Nesting stays bounded (serde_json's limit of 128).
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let deep = format!(r#"{{"a":{deep}}}"#);
        assert!(message(object_body(deep.as_bytes()).unwrap_err()).contains("recursion"));
    }

    #[test]
    fn integers() {
        assert_eq!(integer(&serde_json::json!(60), "d").unwrap(), 60);
        assert_eq!(
            integer(&serde_json::json!(u64::MAX), "d").unwrap(),
            i128::from(u64::MAX)
        );
        for bad in [
            serde_json::json!(60.5),
            serde_json::json!("60"),
            serde_json::json!(null),
        ] {
            assert!(integer(&bad, "d").is_err(), "{bad}");
        }
        assert!(integer_in(&serde_json::json!(0), "d", 1, 10).is_err());
        assert_eq!(
            message(integer_in(&serde_json::json!(11), "x.d", 1, 10).unwrap_err()),
            "Schema validation failed at x.d: must be an integer from 1 to 10"
        );
    }
}
