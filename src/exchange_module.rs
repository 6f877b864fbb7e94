//! The lazily loaded exchange module (crate berth-exchange, built into
//! `dist/exchange/`): berth-core's CloudFormation export, parameter
//! resolution, import and the making of share links. The board does not need
//! them to draw, so they are fetched after the board is drawn (issue 8).
//! This module owns the loaded module and its load status; the status signal
//! lives in the store so views redraw when the module arrives.

use std::cell::RefCell;

use berth_core::app::exchange::{ExportReply, ImportReply};
use berth_core::cfn::export::Format;
use berth_core::input::import::ImportOptions;
use berth_core::{LoadError, Plan};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/exchange.js")]
extern "C" {
    /// Resolves to the started module; rejects when it cannot be fetched.
    #[wasm_bindgen(js_name = loadExchange, catch)]
    async fn load_exchange() -> Result<JsValue, JsValue>;

    /// Calls `start` once, when an element matching `selector` nears the
    /// viewport or after `fallback_ms`.
    #[wasm_bindgen(js_name = whenNear)]
    fn when_near(selector: &str, fallback_ms: u32, start: JsValue);

    type ExchangeModule;

    #[wasm_bindgen(method)]
    fn export_view(this: &ExchangeModule, plan_json: &str, format: &str) -> String;

    #[wasm_bindgen(method)]
    fn import_into(
        this: &ExchangeModule,
        plan_json: &str,
        text: &str,
        options_json: &str,
    ) -> String;

    #[wasm_bindgen(method)]
    fn share_link(this: &ExchangeModule, plan_json: &str) -> String;
}

/// Where the exchange module is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Loading,
    Ready,
    /// It could not be fetched or started: why, in the browser's words.
    Failed(String),
}

thread_local! {
    static MODULE: RefCell<Option<ExchangeModule>> = const { RefCell::new(None) };
}

/// Fetches the module unless it is here; `status` follows. Safe to call again
/// after a failure (that is the "try again" button).
pub fn load(status: RwSignal<Status>) {
    if MODULE.with_borrow(Option::is_some) {
        status.set(Status::Ready);
        return;
    }
    status.set(Status::Loading);
    leptos::task::spawn_local(async move {
        status.set(match ready().await {
            Ok(()) => Status::Ready,
            Err(message) => Status::Failed(message),
        });
    });
}

/// Starts loading the module once the user nears the import or export panel,
/// or a few seconds after start-up; never while the board is first drawn.
/// Call after the panels are mounted.
pub fn load_soon(status: RwSignal<Status>) {
    const FALLBACK_MS: u32 = 3000;
    let start = Closure::once_into_js(move || load(status));
    when_near("[data-exchange]", FALLBACK_MS, start);
}

/// Waits until the module is loaded (fetching it if needed).
pub async fn ready() -> Result<(), String> {
    if MODULE.with_borrow(Option::is_some) {
        return Ok(());
    }
    let module = load_exchange().await.map_err(|e| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "the module did not load".into())
    })?;
    MODULE.set(Some(module.unchecked_into()));
    Ok(())
}

/// The export panel's content for `plan` in `format`; `None` until the
/// module has loaded.
pub fn export_view(plan: &Plan, format: Format) -> Option<Result<ExportReply, LoadError>> {
    let plan_json = serde_json::to_string(plan).ok()?;
    // The format's serde name, e.g. "cfnParameters", without its quotes.
    let format = serde_json::to_string(&format).ok()?;
    let format = format.trim_matches('"');
    let reply = MODULE.with_borrow(|m| m.as_ref().map(|m| m.export_view(&plan_json, format)))?;
    Some(read_reply(&reply))
}

/// `plan` with `text` imported, given `options`. Call after [`ready`].
pub fn import_into(
    plan: &Plan,
    text: &str,
    options: &ImportOptions,
) -> Result<ImportReply, LoadError> {
    let plan_json = plan_json(plan)?;
    let options_json =
        serde_json::to_string(options).map_err(|e| LoadError::new("options", e.to_string()))?;
    read_reply(&call("import", |m| {
        m.import_into(&plan_json, text, &options_json)
    })?)
}

/// The share-link fragment for `plan`. Call after [`ready`].
pub fn share_link(plan: &Plan) -> Result<String, LoadError> {
    let plan_json = plan_json(plan)?;
    read_reply(&call("sharing", |m| m.share_link(&plan_json))?)
}

fn plan_json(plan: &Plan) -> Result<String, LoadError> {
    serde_json::to_string(plan).map_err(|e| LoadError::new("$", e.to_string()))
}

/// The module's answer, or a [`LoadError`] saying that `what` is still loading.
fn call(what: &str, f: impl FnOnce(&ExchangeModule) -> String) -> Result<String, LoadError> {
    MODULE.with_borrow(|m| m.as_ref().map(f)).ok_or_else(|| {
        LoadError::new(
            "$",
            format!("{what} is still loading; try again in a moment"),
        )
    })
}

fn read_reply<T: for<'de> serde::Deserialize<'de>>(reply: &str) -> Result<T, LoadError> {
    serde_json::from_str::<Result<T, LoadError>>(reply).unwrap_or_else(|e| {
        Err(LoadError::new(
            "$",
            format!("the exchange module answered something unreadable: {e}"),
        ))
    })
}
