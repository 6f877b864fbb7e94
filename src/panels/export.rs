//! The export panel: every format of berth-core's CloudFormation export,
//! with copy and download, parameter values editable and CloudFormation's
//! errors linked to the field that fixes them. It runs in the lazily loaded
//! exchange module (`exchange_module`); until that is here the panel says so,
//! and if it cannot load the panel offers to try again.

use berth_core::app::edit::Edit;
use berth_core::app::fixes::Fix;
use berth_core::cfn::export::Format;
use berth_core::cfn::{ParameterError, Resolved, Source};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::exchange_module::{self, Status};
use crate::store::{use_store, Store};

const FORMATS: &[(&str, Format)] = &[
    ("create-stack parameters", Format::CfnParameters),
    ("deploy overrides (file)", Format::DeployOverrides),
    ("deploy overrides (inline)", Format::DeployOverridesInline),
    ("CodePipeline configuration", Format::CodePipeline),
    ("Ansible group_vars", Format::Ansible),
    ("whole stack template (YAML)", Format::TemplateYaml),
    ("whole stack template (JSON)", Format::TemplateJson),
    (
        "services into a cluster (YAML)",
        Format::ServicesTemplateYaml,
    ),
    (
        "services into a cluster (JSON)",
        Format::ServicesTemplateJson,
    ),
    ("your template, changed (YAML)", Format::OwnTemplateYaml),
    ("your template, changed (JSON)", Format::OwnTemplateJson),
];

/// Offers `text` as a file download.
fn download(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Revoking at once can cancel the download in some browsers.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(5),
    );
}

/// The exchange module could not load (or could not read the plan): why, and
/// a way to try again. The board and every other panel keep working.
pub(super) fn unavailable(store: Store, message: String) -> impl IntoView {
    view! {
        <p class="field-error" role="alert" data-testid="exchange-failed">
            {format!("Export and import are unavailable: {}. ", message.trim_end_matches('.'))}
            <button
                class="link"
                data-testid="exchange-retry"
                on:click=move |_| exchange_module::load(store.exchange)
            >
                "try again"
            </button>
        </p>
    }
}

#[component]
pub fn ExportPanel() -> impl IntoView {
    let store = use_store();
    let format = RwSignal::new(0usize);
    let copied = RwSignal::new(false);
    let reply = Memo::new(move |_| {
        // Read first, so the panel fills in when the module arrives.
        let status = store.exchange.get();
        let format = FORMATS[format.get()].1;
        match status {
            Status::Ready => store
                .plan
                .with(|p| exchange_module::export_view(p, format))
                .map(|r| r.map_err(|e| e.to_string())),
            Status::Loading => None,
            Status::Failed(message) => Some(Err(message)),
        }
    });
    let stack = move || {
        store.plan.with(|p| {
            p.cloud_formation
                .as_ref()
                .map(|c| c.stack_name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="panel export" aria-labelledby="export-h" data-testid="export" data-exchange>
            <h2 id="export-h">"Export for CloudFormation"</h2>
            <div class="tabs" role="tablist">
                {FORMATS
                    .iter()
                    .enumerate()
                    .map(|(i, (label, _))| {
                        view! {
                            <button
                                class="small"
                                role="tab"
                                class:active=move || format.get() == i
                                aria-selected=move || (format.get() == i).to_string()
                                data-testid=format!("format-{i}")
                                on:click=move |_| {
                                    format.set(i);
                                    copied.set(false);
                                }
                            >
                                {*label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <table
                class="params"
                data-testid="parameters"
                hidden=move || !reply.with(|r| matches!(r, Some(Ok(_))))
            >
                <thead>
                    <tr>
                        <th>"parameter"</th>
                        <th>"value"</th>
                        <th>"from"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        reply
                            .with(|r| match r {
                                Some(Ok(r)) => r.parameters.clone(),
                                _ => Vec::new(),
                            })
                            .into_iter()
                            .map(|r| parameter_row(store, r))
                            .collect_view()
                    }}
                </tbody>
            </table>
            {move || {
                reply
                    .with(|r| match r {
                        Some(Ok(r)) => r.at_deploy.clone(),
                        _ => None,
                    })
                    .map(|note| {
                        let lines: Vec<String> = note.lines().map(str::to_string).collect();
                        view! {
                            <div class="at-deploy" role="note" data-testid="at-deploy">
                                {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                            </div>
                        }
                    })
            }}
            {move || match reply.get().map(|r| r.map(|r| (r.output, r.fixes))) {
                None => {
                    view! {
                        <p class="muted" data-testid="exchange-loading">
                            "Loading export and import…"
                        </p>
                    }
                        .into_any()
                }
                Some(Err(message)) => unavailable(store, message).into_any(),
                Some(Ok((Ok(text), _))) => {
                    let name = FORMATS[format.get()].1.file_name(&stack());
                    export_text(text, name, copied).into_any()
                }
                Some(Ok((Err(errors), fixes))) => export_errors(store, errors, fixes).into_any(),
            }}
        </section>
    }
}

/// Moves the keyboard focus to the element with this id, if there is one.
fn focus_by_id(id: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

/// One template parameter: its value (editable unless a plan field is bound
/// to it) and where the value came from.
fn parameter_row(store: Store, r: Resolved) -> impl IntoView {
    let name = r.name.clone();
    let source = match r.source {
        Source::Value => "value",
        Source::Binding => "plan",
        Source::Default => "default",
        Source::AtDeploy => "at deploy time (NoEcho)",
        Source::Missing => "missing",
    };
    let value = if r.source == Source::Binding {
        view! { <span class="mono">{r.value.clone().unwrap_or_default()}</span> }.into_any()
    } else {
        let n = name.clone();
        let set = move |ev| {
            let v = event_target_value(&ev);
            let value = (!v.is_empty()).then_some(v);
            let _ = store.dispatch(Edit::SetParameterValue {
                name: n.clone(),
                value,
            });
        };
        let own = if r.source == Source::Value {
            r.value.clone()
        } else {
            None
        };
        // A NoEcho value is a secret: typed unseen, as the console takes it.
        let kind = if r.no_echo { "password" } else { "text" };
        let hint = match r.source {
            Source::AtDeploy => "given at deploy time".to_string(),
            _ => r.value.clone().unwrap_or_default(),
        };
        view! {
            <input
                id=format!("param-{name}")
                data-testid=format!("param-{name}")
                type=kind
                prop:value=own.unwrap_or_default()
                placeholder=hint
                on:change=set
            />
        }
        .into_any()
    };
    view! {
        <tr class:missing=r.source == Source::Missing>
            <td class="mono">
                <label for=format!("param-{name}")>{name.clone()}</label>
            </td>
            <td>{value}</td>
            <td class="muted">{source}</td>
        </tr>
    }
}

/// The exported text, with copy and download.
fn export_text(text: String, file_name: String, copied: RwSignal<bool>) -> impl IntoView {
    let (t1, t2) = (text.clone(), text.clone());
    let label = format!("download {file_name}");
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&t1);
            copied.set(true);
        }
    };
    view! {
        <div class="export-actions">
            <button class="small" data-testid="copy" on:click=copy>
                {move || if copied.get() { "copied" } else { "copy" }}
            </button>
            <button
                class="small"
                data-testid="download"
                on:click=move |_| download(&file_name, &t2)
            >
                {label}
            </button>
        </div>
        <pre class="export-text" data-testid="export-text">
            {text}
        </pre>
    }
}

/// CloudFormation's errors for the parameters, each with a button that
/// focuses the field that fixes it.
/// CloudFormation's errors, each with a way to its field and the edits that
/// fix it (from the core), applied with one click and undoable.
fn export_errors(store: Store, errors: Vec<ParameterError>, fixes: Vec<Fix>) -> impl IntoView {
    let items = errors
        .into_iter()
        .map(|e| {
            let target = format!(
                "param-{}",
                e.parameter.split(", ").next().unwrap_or_default()
            );
            let buttons = fixes
                .iter()
                .filter(|f| f.parameter == e.parameter)
                .map(|f| {
                    let edit = f.edit();
                    view! {
                        <button
                            class="small"
                            data-testid="export-fix"
                            on:click=move |_| {
                                let _ = store.dispatch(edit.clone());
                            }
                        >
                            {f.label.clone()}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <li>
                    <span>{e.message.clone()}</span>
                    <button class="link" on:click=move |_| focus_by_id(&target)>
                        {format!("go to {}", e.path)}
                    </button>
                    <span class="fixes">{buttons}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="export-errors" data-testid="export-errors" role="alert">
            {items}
        </ul>
    }
}
