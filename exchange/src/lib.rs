//! berth-exchange: a lazily loaded module of the web app. It carries
//! berth-core's CloudFormation export, parameter resolution, import and the
//! making of share links, which the board does not need to draw (issue 8:
//! the first load stays small). The app fetches it after its board is
//! interactive (`src/exchange.js`) and calls these functions (links are read
//! by the app itself); the JSON on both sides is `berth_core::app::exchange`'s.

use wasm_bindgen::prelude::*;

/// `Result<ExportReply, LoadError>` as JSON, for a plan and a format name.
#[wasm_bindgen]
pub fn export_view(plan_json: &str, format: &str) -> String {
    berth_core::app::exchange::export_json(plan_json, format)
}

/// `Result<ImportReply, LoadError>` as JSON: the plan with `text` imported,
/// given `ImportOptions` as JSON (parameter values, file name).
#[wasm_bindgen]
pub fn import_into(plan_json: &str, text: &str, options_json: &str) -> String {
    berth_core::app::exchange::import_json(plan_json, text, options_json)
}

/// `Result<String, LoadError>` as JSON: the share-link fragment for a plan.
#[wasm_bindgen]
pub fn share_link(plan_json: &str) -> String {
    berth_core::app::exchange::share_json(plan_json)
}
