//! Hiding secrets in JSON a server sent back, before anything prints it.
//!
//! Servers echo credentials they were given (a 0.10.1 webhook's
//! `notificationAuthToken`, a 1.x `sinkCredential`'s tokens). Typed values
//! keep them in [`SecretString`](crate::SecretString)s; raw JSON goes through
//! these functions instead.

use serde_json::Value;

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Whether a JSON key names a secret: it ends in `token`, `secret` or
/// `password`, whatever the case (`notificationAuthToken`, `accessToken`,
/// `refreshToken`, `secret`, `access_token`, `client_secret`, ...).
///
/// ```
/// use qod_models::is_secret_key;
/// assert!(is_secret_key("notificationAuthToken") && is_secret_key("secret"));
/// assert!(!is_secret_key("accessTokenType") && !is_secret_key("notificationUrl"));
/// ```
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["token", "secret", "password"]
        .iter()
        .any(|suffix| key.ends_with(suffix))
}

/// Replaces, at any depth, the value of every secret key with `"[redacted]"`.
///
/// ```
/// use qod_models::redact_secrets;
/// let mut echoed = serde_json::json!({
///     "webhook": {"notificationUrl": "https://app.example.com", "notificationAuthToken": "c8974e592c2fa383d4a3960714"}
/// });
/// redact_secrets(&mut echoed);
/// assert_eq!(echoed["webhook"]["notificationAuthToken"], "[redacted]");
/// assert_eq!(echoed["webhook"]["notificationUrl"], "https://app.example.com");
/// ```
pub fn redact_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret_key(key) {
                    *value = Value::String(REDACTED.to_owned());
                } else {
                    redact_secrets(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

/// The same for text that may not be whole JSON (a body cut short, or
/// broken): every string value that follows a secret key is replaced.
///
/// ```
/// use qod_models::redact_secrets_in_text;
/// let text = r#"{"sessionId": "3fa8", "webhook": {"notificationAuthToken": "c8974e592c2f"#;
/// assert_eq!(
///     redact_secrets_in_text(text),
///     r#"{"sessionId": "3fa8", "webhook": {"notificationAuthToken": "[redacted]"#
/// );
/// ```
pub fn redact_secrets_in_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'"' {
            at += 1;
            continue;
        }
        let key_start = at + 1;
        let key_end = string_end(bytes, key_start);
        let mut next = skip_whitespace(bytes, key_end + 1);
        if bytes.get(next) == Some(&b':') && is_secret_key(&text[key_start..key_end]) {
            next = skip_whitespace(bytes, next + 1);
            if bytes.get(next) == Some(&b'"') {
                let value_start = next + 1;
                let value_end = string_end(bytes, value_start);
                out.push_str(&text[copied..value_start]);
                out.push_str(REDACTED);
                copied = value_end;
                at = value_end + 1;
                continue;
            }
        }
        at = key_end + 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// The index of the quote closing a string that starts at `start`, or the
/// length of the text when it never closes.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_at_any_depth() {
        let mut value = serde_json::json!([{"sinkCredential": {
            "credentialType": "REFRESHTOKEN", "accessToken": "a1", "refreshToken": "r1",
            "accessTokenType": "bearer"}}, {"secret": {"nested": "s1"}}]);
        redact_secrets(&mut value);
        let text = value.to_string();
        for canary in ["a1", "r1", "s1"] {
            assert!(!text.contains(canary), "{text}");
        }
        assert_eq!(value[0]["sinkCredential"]["accessTokenType"], "bearer");
    }

    #[test]
    fn redacts_text_that_is_not_json() {
        for (text, expected) in [
            (
                r#"{"accessToken" : "a\"1", "x": "y"}"#,
                r#"{"accessToken" : "[redacted]", "x": "y"}"#,
            ),
            (
                r#"not json "secret":"s1" tail"#,
                r#"not json "secret":"[redacted]" tail"#,
            ),
            (r#""accessToken": 5"#, r#""accessToken": 5"#),
            (r#""token"#, r#""token"#),
            (r#"{"token":"#, r#"{"token":"#),
            (r#"{"token":""#, r#"{"token":"[redacted]"#),
            ("\"é\\", "\"é\\"),
            ("", ""),
        ] {
            assert_eq!(redact_secrets_in_text(text), expected, "{text}");
        }
    }
}
