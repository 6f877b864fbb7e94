//! Share links: the whole plan in a URL fragment, compressed and versioned
//! (`#plan=v1.<base64url(deflate(json))>`). Decoding caps the *decompressed*
//! size, not only the input, so a small link cannot expand into a huge plan.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::input::{load_plan, LoadError, MAX_PLAN_BYTES};
use crate::model::Plan;

/// The version prefix of the link's payload; a link of another version is refused.
pub const PREFIX: &str = "v1.";
/// A fragment longer than this is refused before decoding.
pub const MAX_FRAGMENT_CHARS: usize = 2 * 1024 * 1024;

fn error(message: impl Into<String>) -> LoadError {
    LoadError::new("share link", message)
}

/// The fragment value for a plan (without the leading `#plan=`).
pub fn encode(plan: &Plan) -> String {
    let json = serde_json::to_vec(plan).expect("plans serialise");
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Reads a fragment value back into a plan, or says what is wrong with it.
pub fn decode(fragment: &str) -> Result<Plan, LoadError> {
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(error(format!(
            "the link is {} characters; the limit is {MAX_FRAGMENT_CHARS}",
            fragment.len()
        )));
    }
    let body = fragment.strip_prefix(PREFIX).ok_or_else(|| {
        error("this link was made by another version of Berth (expected \"v1.\")")
    })?;
    let packed = URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .map_err(|e| error(format!("the link is damaged: {e}")))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_PLAN_BYTES)
        .map_err(|e| {
            if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
                error(format!(
                    "the plan in the link is larger than {MAX_PLAN_BYTES} bytes"
                ))
            } else {
                error("the link is damaged: it does not decompress")
            }
        })?;
    let text = String::from_utf8(json).map_err(|_| error("the link is damaged: not UTF-8"))?;
    load_plan(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Plan {
        load_plan(include_str!("../../../public/examples/microtrader.json")).unwrap()
    }

    #[test]
    fn round_trip_is_exact() {
        let plan = example();
        let link = encode(&plan);
        assert!(link.starts_with("v1."));
        assert!(
            link.len() < 4000,
            "the example fits a URL: {} chars",
            link.len()
        );
        assert_eq!(decode(&link).unwrap(), plan);
    }

    #[test]
    fn refuses_damage_versions_and_bombs() {
        assert!(decode("v2.abc")
            .unwrap_err()
            .message
            .contains("another version"));
        assert!(decode("v1.!!!").unwrap_err().message.contains("damaged"));
        assert!(decode("v1.AAAA").unwrap_err().message.contains("damaged"));
        // 50 MiB of spaces compress to a few KiB; the decoder stops at the cap.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 50 * 1024 * 1024], 9);
        let link = format!("v1.{}", URL_SAFE_NO_PAD.encode(bomb));
        assert!(link.len() < 200_000);
        assert!(decode(&link).unwrap_err().message.contains("larger than"));
    }
}
