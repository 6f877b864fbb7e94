//! Taking over from the first module (crate berth-first, issue 20), which
//! drew the board and took drags while this app was fetched: the edits made
//! there are replayed through the store, each an undoable step, and its
//! board leaves the page. `first/src/first.js` holds them until then.

use berth_core::app::edit::Edit;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::store::{Notice, Store};

#[wasm_bindgen]
extern "C" {
    /// The edits made on the first board, as JSON; its board goes. Throws
    /// when the page has no first module (a test page of the app alone).
    #[wasm_bindgen(js_namespace = berthFirst, js_name = takeOver, catch)]
    fn take_over_js() -> Result<js_sys::Array, JsValue>;
}

/// The edits made on the first board, in order; none without one.
pub fn take_over() -> Vec<Edit> {
    let Ok(handed) = take_over_js() else {
        return Vec::new();
    };
    handed
        .iter()
        .filter_map(|e| e.as_string())
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect()
}

/// Applies `edits` to the plan on the board, as the first board applied
/// them (the core is deterministic, so they land as they did there). The
/// notice from opening the plan stays; a refusal, which would mean the two
/// boards disagree, is said.
pub fn replay(store: Store, edits: Vec<Edit>) {
    let opened = store.notice.get_untracked();
    for edit in edits {
        if let Err(e) = store.dispatch(edit) {
            store.notice.set(Some(Notice {
                message: format!(
                    "A move made while Berth was loading could not be made again here: {}",
                    e.message
                ),
                instance: e.instance,
                ok: false,
            }));
            return;
        }
    }
    store.notice.set(opened);
}
