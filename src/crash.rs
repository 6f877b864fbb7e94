//! What the page does when the app panics: a dead page would hide the user's
//! work, so the panic hook draws a banner (plain DOM, no Leptos: the reactive
//! runtime may be the thing that broke) whose one action reloads the page with
//! the last plan autosave wrote before the error.
//!
//! A panic before the app has finished starting most likely comes from the
//! saved plan itself; then that plan is moved aside (kept, never dropped) so
//! the reload starts from the example instead of failing the same way.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::persist;

/// Set once the first render and its effects have run.
static STARTED: AtomicBool = AtomicBool::new(false);

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "internal error".into());
        let started = STARTED.load(Ordering::SeqCst);
        let aside = if started {
            None
        } else {
            persist::set_aside_saved_plan()
        };
        persist::record_crash(&if let Some(key) = &aside {
            format!(
                "Berth stopped while starting ({message}). The plan saved in this browser is \
                 kept aside in localStorage under \"{key}\"; this is the example."
            )
        } else {
            format!(
                "Berth stopped after an internal error ({message}). This is the last plan \
             saved before it."
            )
        });
        show_banner(&message, started, aside.as_deref());
    }));
}

/// Called once the app has drawn its first frame.
pub fn started() {
    STARTED.store(true, Ordering::SeqCst);
}

/// `aside`: the key the saved plan was moved to, when it was.
fn show_banner(message: &str, started: bool, aside: Option<&str>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".into());
    let build = || -> Option<web_sys::Element> {
        let banner = document.create_element("div").ok()?;
        banner.set_id("crash");
        banner.set_attribute("role", "alertdialog").ok()?;
        banner
            .set_attribute("aria-labelledby", "crash-title")
            .ok()?;
        let title = document.create_element("h2").ok()?;
        title.set_id("crash-title");
        title.set_text_content(Some("Berth stopped after an internal error"));
        let text = document.create_element("p").ok()?;
        // Text, never markup: the message may quote a plan's names.
        text.set_text_content(Some(&if let Some(key) = aside {
            format!(
                "It happened while starting, so the plan saved in this browser is kept aside \
                 under \"{key}\" and the page will start from the example. The error: {message}"
            )
        } else if started {
            format!(
                "Your last good plan is saved in this browser; the change that hit the error was \
                 not applied. The error: {message}"
            )
        } else {
            format!("The error: {message}")
        }));
        // A plain link: it works even though the app's code has stopped.
        let restore = document.create_element("a").ok()?;
        restore.set_id("crash-restore");
        restore.set_attribute("href", &path).ok()?;
        restore.set_attribute("class", "button primary").ok()?;
        restore.set_text_content(Some(if aside.is_some() {
            "Start again"
        } else {
            "Restore last good plan"
        }));
        banner.append_child(&title).ok()?;
        banner.append_child(&text).ok()?;
        banner.append_child(&restore).ok()?;
        Some(banner)
    };
    if let Some(banner) = build() {
        let _ = body.append_child(&banner);
        if let Some(link) = document.get_element_by_id("crash-restore") {
            if let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(link) {
                let _ = link.focus();
            }
        }
    }
}

/// A deliberate panic, for the browser tests of the banner (called from the
/// test through `window.berthApp`, the module's exports; nothing in the page calls it).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn panic_drill() {
    panic!("panic drill: the browser test asked for a panic");
}
