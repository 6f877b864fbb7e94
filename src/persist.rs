//! Where a plan lives outside the page: autosave in localStorage (written
//! after every change, read at start; a stored plan that no longer reads is
//! kept aside under its own key and reported, never silently dropped) and
//! share links (`#plan=…`; the fragment is encoded and decoded by
//! berth-core in the exchange module, see `exchange_module`).

use berth_core::{load_plan, Plan};

pub const KEY: &str = "berth.plan.v1";
const ASIDE: &str = "berth.plan.unreadable";
/// What to tell the user after a panic, written by the panic hook and shown
/// once at the next start.
const CRASH: &str = "berth.crash";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved plan, or None; Err carries a message when a saved plan was unreadable.
pub fn restore() -> Result<Option<Plan>, String> {
    let Some(store) = storage() else {
        return Ok(None);
    };
    let Some(text) = store.get_item(KEY).ok().flatten() else {
        return Ok(None);
    };
    match load_plan(&text) {
        Ok(plan) => Ok(Some(plan)),
        Err(e) => {
            let aside = keep_aside(&store, &text);
            let _ = store.remove_item(KEY);
            Err(format!(
                "The plan saved in this browser could not be read ({e}); it is kept aside in \
                 localStorage under \"{aside}\". Starting from the example."
            ))
        }
    }
}

/// Writes the whole plan in one call, so a reader never sees half of a change.
pub fn save(plan: &Plan) {
    if let (Some(store), Ok(text)) = (storage(), serde_json::to_string(plan)) {
        let _ = store.set_item(KEY, &text);
    }
}

const LINK_PREFIX: &str = "#plan=";

/// The share-link fragment in the page's address, if it carries one.
pub fn link_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix(LINK_PREFIX).map(str::to_string)
}

/// Drops the fragment from the address once its plan is open (or could not
/// be), so that a reload keeps the user's edits instead of reopening the link.
pub fn forget_link() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let (Ok(history), Ok(path)) = (window.history(), window.location().pathname()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

/// A link that opens the plan encoded in `fragment`.
pub fn link_for(fragment: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let base = format!("{}{}", location.origin().ok()?, location.pathname().ok()?);
    Some(format!("{base}{LINK_PREFIX}{fragment}"))
}

/// Stores `text` under the first of `berth.plan.unreadable`,
/// `berth.plan.unreadable.2`, … that is free (or already holds it), so a plan
/// set aside never overwrites one set aside before. Returns the key.
fn keep_aside(store: &web_sys::Storage, text: &str) -> String {
    let mut n = 1;
    loop {
        let key = if n == 1 {
            ASIDE.to_string()
        } else {
            format!("{ASIDE}.{n}")
        };
        match store.get_item(&key).ok().flatten() {
            Some(held) if held != text => n += 1,
            _ => {
                let _ = store.set_item(&key, text);
                return key;
            }
        }
    }
}

/// Moves the saved plan aside (the panic hook's doing when the app could not
/// start with it). The key it is kept under, if there was one.
pub fn set_aside_saved_plan() -> Option<String> {
    let store = storage()?;
    let text = store.get_item(KEY).ok().flatten()?;
    let key = keep_aside(&store, &text);
    store.remove_item(KEY).ok()?;
    Some(key)
}

pub fn record_crash(notice: &str) {
    if let Some(store) = storage() {
        let _ = store.set_item(CRASH, notice);
    }
}

/// The notice about the panic that ended the previous page, once.
pub fn take_crash() -> Option<String> {
    let store = storage()?;
    let message = store.get_item(CRASH).ok().flatten()?;
    let _ = store.remove_item(CRASH);
    Some(message)
}
