//! The import box: a plan, a task definition or a template, pasted or
//! dropped, read by the exchange module and applied as one undoable edit.

use berth_core::{load_plan, LoadError};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use berth_core::input::error::ParameterPrompt;
use berth_core::input::import::ImportOptions;

use super::parameter_form::ParameterForm;
use crate::exchange_module::{self, Status};
use crate::store::{use_store, Notice};

/// A template waiting for the values of its parameters.
#[derive(Clone)]
struct Waiting {
    text: String,
    file_name: Option<String>,
    needs: Vec<ParameterPrompt>,
}

#[component]
pub fn ImportBox() -> impl IntoView {
    let store = use_store();
    // Owned here: the last refusal, the drag-over look, and a template
    // whose parameters the form is asking for (cleared by a new file or a
    // successful import).
    let error = RwSignal::new(None::<String>);
    let over = RwSignal::new(false);
    let waiting = RwSignal::new(None::<Waiting>);
    let take = move |text: String, options: ImportOptions| {
        // Read the plan only now that the module is here: a drag made while
        // it loaded must not be lost.
        match store
            .plan
            .with_untracked(|p| exchange_module::import_into(p, &text, &options))
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
                waiting.set(None);
                store.notice.set(Some(Notice {
                    message: imported_message(&warnings),
                    instance: None,
                    ok: true,
                }));
            }
            // The plan is untouched: import returns a new plan or an error.
            Err(e) => error.set(Some(refused(e, text, options, waiting))),
        }
    };
    let read = move |file: web_sys::File| {
        waiting.set(None);
        let file_name = Some(file.name());
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
                    take(
                        text,
                        ImportOptions {
                            file_name,
                            ..ImportOptions::default()
                        },
                    );
                }
                Err(message) => error.set(Some(format!(
                    "Not imported: the import module could not load: {message}"
                ))),
            }
        });
    };
    let submit = Callback::new(move |values: Vec<(String, String)>| {
        if let Some(w) = waiting.get_untracked() {
            take(
                w.text,
                ImportOptions {
                    parameters: values.into_iter().collect(),
                    file_name: w.file_name,
                    ..ImportOptions::default()
                },
            );
        }
    });
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
            {move || {
                waiting
                    .with(|w| w.as_ref().map(|w| w.needs.clone()))
                    .map(|needs| view! { <ParameterForm needs submit /> })
            }}
        </section>
    }
}

/// What the notice says after an import: how to undo it, and its notes.
fn imported_message(warnings: &[String]) -> String {
    let mut message = "Imported. Undo (Ctrl+Z) puts the previous plan back.".to_string();
    if !warnings.is_empty() {
        message.push_str(&format!(
            " {} note(s): {}",
            warnings.len(),
            warnings.join("; ")
        ));
    }
    message
}

/// What a refusal says; CloudFormation's "must have values" also opens the
/// form that asks for them. A value the form gave that breaks a constraint
/// keeps the form as it is.
fn refused(
    e: LoadError,
    text: String,
    options: ImportOptions,
    waiting: RwSignal<Option<Waiting>>,
) -> String {
    if e.needs.is_empty() {
        return format!("Not imported: {e}");
    }
    let message = format!("Not imported yet: {}. Give them below.", e.message);
    waiting.set(Some(Waiting {
        text,
        file_name: options.file_name,
        needs: e.needs,
    }));
    message
}
