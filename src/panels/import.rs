//! The import box: a plan, a task definition or a template, pasted or
//! dropped, read by the exchange module and applied as one undoable edit.

use berth_core::load_plan;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::exchange_module::{self, Status};
use crate::store::{use_store, Notice};

#[component]
pub fn ImportBox() -> impl IntoView {
    let store = use_store();
    let error = RwSignal::new(None::<String>);
    let over = RwSignal::new(false);
    let take = move |text: String| {
        // Read the plan only now that the module is here: a drag made while
        // it loaded must not be lost.
        match store
            .plan
            .with_untracked(|p| exchange_module::import_into(p, &text))
            .and_then(|reply| Ok((load_plan(&reply.plan_json)?, reply.warnings)))
        {
            Ok((next, warnings)) => {
                if store.viewing_step.get_untracked() {
                    error.set(Some(
                        "Close the simulation (\"back to the plan\") before importing.".into(),
                    ));
                    return;
                }
                store.replace(next);
                error.set(None);
                let mut message =
                    "Imported. Undo (Ctrl+Z) puts the previous plan back.".to_string();
                if !warnings.is_empty() {
                    message.push_str(&format!(
                        " {} note(s): {}",
                        warnings.len(),
                        warnings.join("; ")
                    ));
                }
                store.notice.set(Some(Notice {
                    message,
                    instance: None,
                    ok: true,
                }));
            }
            // The plan is untouched: import returns a new plan or an error.
            Err(e) => error.set(Some(format!("Not imported: {e}"))),
        }
    };
    let read = move |file: web_sys::File| {
        leptos::task::spawn_local(async move {
            let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(v) => v.as_string().unwrap_or_default(),
                Err(_) => {
                    error.set(Some("Not imported: the file could not be read".into()));
                    return;
                }
            };
            match exchange_module::ready().await {
                Ok(()) => {
                    if store.exchange.get_untracked() != Status::Ready {
                        store.exchange.set(Status::Ready);
                    }
                    take(text);
                }
                Err(message) => error.set(Some(format!(
                    "Not imported: the import module could not load: {message}"
                ))),
            }
        });
    };
    view! {
        <section class="panel import" aria-labelledby="import-h" data-exchange>
            <h2 id="import-h">"Import"</h2>
            <label
                class="dropzone"
                class:drag-over=move || over.get()
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    over.set(true);
                }
                on:dragleave=move |_| over.set(false)
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    over.set(false);
                    if let Some(f) = ev
                        .data_transfer()
                        .and_then(|d| d.files())
                        .and_then(|l| l.get(0))
                    {
                        read(f);
                    }
                }
            >
                <span>
                    "Drop or pick a Berth plan, an ECS task definition or a CloudFormation \
                     template (JSON or YAML)"
                </span>
                <input
                    type="file"
                    data-testid="import-file"
                    accept=".json,.yaml,.yml,.template"
                    on:change=move |ev| {
                        let input = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                        if let Some(f) = input
                            .as_ref()
                            .and_then(|i| i.files())
                            .and_then(|l| l.get(0))
                        {
                            read(f);
                        }
                        if let Some(i) = input {
                            i.set_value("");
                        }
                    }
                />
            </label>
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="field-error" role="alert" data-testid="import-error">
                                {e}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
