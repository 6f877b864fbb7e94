//! The instance groups: each group's type and count, adding and removing
//! groups; the instance-type picker (`picker`) opens from here.

use berth_core::app::edit::Edit;
use berth_core::app::view::{Board as BoardView, GroupView};
use leptos::prelude::*;

use super::picker::Picker;
use super::right_size::RightSize;
use crate::store::{use_store, Store};

/// A group without its instances: all the group list needs, without cloning
/// every instance on each change.
fn header_only(g: &GroupView) -> GroupView {
    GroupView {
        name: g.name.clone(),
        instance_type: g.instance_type.clone(),
        count: g.count,
        vcpu: g.vcpu,
        cpu_units: g.cpu_units,
        nominal_memory: g.nominal_memory,
        registered_memory: g.registered_memory,
        memory_estimated: g.memory_estimated,
        architecture: g.architecture.clone(),
        burstable: g.burstable,
        monthly_cost: g.monthly_cost,
        instances: Vec::new(),
    }
}

#[component]
pub fn ClusterPanel() -> impl IntoView {
    let store = use_store();
    let vm = expect_context::<Memo<BoardView>>();
    let picker_for = RwSignal::new(None::<String>);
    // Owned here: whether the picker is open (it opens over the page).
    let picker_open = RwSignal::new(false);
    // Owned here: whether right-sizing is open (over the page, as the picker).
    let right_size_open = RwSignal::new(false);
    // Owned here: the group whose count field was refused, and why.
    let count_error = RwSignal::new(None::<(String, String)>);
    view! {
        <section class="panel" aria-labelledby="cluster-h">
            <h2 id="cluster-h">"Instance groups"</h2>
            <ul class="group-rows">
                {move || {
                    vm.with(|b| b.groups.iter().map(header_only).collect::<Vec<_>>())
                        .into_iter()
                        .map(|g| {
                            let name = g.name.clone();
                            let name_count = g.name.clone();
                            let name_error = g.name.clone();
                            let count = g.count;
                            let name_remove = g.name.clone();
                            view! {
                                <li class="group-row" data-testid="group-row">
                                    <strong>{g.name.clone()}</strong>
                                    <span class="mono">{g.instance_type.clone()}</span>
                                    <label class="count">
                                        <span class="sr-only">
                                            {format!("instances in {}", g.name)}
                                        </span>
                                        <input
                                            type="number"
                                            min="0"
                                            prop:value=g.count.to_string()
                                            data-testid="group-count"
                                            on:change=move |ev| {
                                                set_count(store, count_error, &name_count, &ev, count)
                                            }
                                        />
                                    </label>
                                    <button
                                        class="link"
                                        data-testid="change-type"
                                        on:click=move |_| {
                                            picker_for.set(Some(name.clone()));
                                            picker_open.set(true);
                                        }
                                    >
                                        "type…"
                                    </button>
                                    <button
                                        class="link danger"
                                        aria-label=format!("remove group {}", g.name)
                                        on:click=move |_| {
                                            let _ = store
                                                .dispatch(Edit::RemoveGroup {
                                                    group: name_remove.clone(),
                                                });
                                        }
                                    >
                                        "✕"
                                    </button>
                                    {move || {
                                        count_error
                                            .get()
                                            .filter(|(group, _)| *group == name_error)
                                            .map(|(_, message)| {
                                                view! {
                                                    <span
                                                        class="field-error"
                                                        role="alert"
                                                        data-testid="group-count-error"
                                                    >
                                                        {message}
                                                    </span>
                                                }
                                            })
                                    }}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <details
                class="picker-box"
                prop:open=move || picker_open.get()
                on:toggle=move |ev| {
                    let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                    if open != picker_open.get_untracked() {
                        picker_open.set(open);
                    }
                    if !open {
                        picker_for.set(None);
                    }
                }
            >
                <summary data-testid="add-group">"Add an instance group…"</summary>
                <Picker target=picker_for open=picker_open />
            </details>
            <details
                class="picker-box"
                prop:open=move || right_size_open.get()
                on:toggle=move |ev| {
                    let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                    if open != right_size_open.get_untracked() {
                        right_size_open.set(open);
                    }
                }
            >
                <summary data-testid="right-size-open">
                    "Right-size: the cheapest cluster…"
                </summary>
                <RightSize open=right_size_open />
            </details>
        </section>
    }
}

/// A group's count as typed: a whole number goes to the core, which sets it
/// or says why not. Either way the field then shows what the plan holds, and
/// a refusal is said beside the field, not in a banner.
fn set_count(
    store: Store,
    count_error: RwSignal<Option<(String, String)>>,
    group: &str,
    ev: &leptos::ev::Event,
    current: u32,
) {
    let typed = event_target_value(ev);
    let result = match typed.trim().parse::<u32>() {
        Ok(count) => store
            .dispatch(Edit::SetGroupCount {
                group: group.to_string(),
                count,
            })
            .map_err(|e| e.message),
        Err(_) => Err(format!(
            "\"{}\" is not a number of instances: give a whole number",
            typed.trim()
        )),
    };
    match result {
        Ok(()) => count_error.set(None),
        Err(message) => {
            store.notice.set(None);
            count_error.set(Some((group.to_string(), message)));
            if let Some(input) = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
            {
                input.set_value(&current.to_string());
            }
        }
    }
}
