//! The instance groups: each group's type and count, adding and removing
//! groups, and the instance-type picker.

use berth_core::app::edit::Edit;
use berth_core::app::view::{
    catalogue_rows, families, Board as BoardView, CatalogueRow, GroupView,
};
use leptos::prelude::*;

use crate::format::mib;
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
        monthly_cost: g.monthly_cost,
        instances: Vec::new(),
    }
}

#[component]
pub fn ClusterPanel() -> impl IntoView {
    let store = use_store();
    let vm = expect_context::<Memo<BoardView>>();
    let picker_for = RwSignal::new(None::<String>);
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
            <details class="picker-box" prop:open=move || picker_for.get().is_some()>
                <summary data-testid="add-group">"Add an instance group…"</summary>
                <Picker target=picker_for />
            </details>
        </section>
    }
}

/// `target`: which group the picker changes the type of (None: it adds a group).
#[component]
fn Picker(target: RwSignal<Option<String>>) -> impl IntoView {
    let store = use_store();
    let query = RwSignal::new(String::new());
    let family = RwSignal::new(String::new());
    let arch = RwSignal::new(String::new());
    let count = RwSignal::new(1u32);
    let rows = Memo::new(move |_| {
        let f = family.get();
        let a = arch.get();
        catalogue_rows(
            &query.get(),
            (!f.is_empty()).then_some(f.as_str()),
            (!a.is_empty()).then_some(a.as_str()),
            30,
        )
    });
    let all_families = families();
    view! {
        <div class="picker" data-testid="picker">
            <h3>
                {move || match target.get() {
                    Some(g) => format!("Instance type for {g}"),
                    None => "Add an instance group".to_string(),
                }}
            </h3>
            <div class="picker-filters">
                <input
                    type="search"
                    placeholder="Search 1,364 types, e.g. t3.medium"
                    aria-label="search instance types"
                    data-testid="picker-search"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <select aria-label="family" on:change=move |ev| family.set(event_target_value(&ev))>
                    <option value="">"all families"</option>
                    {all_families
                        .into_iter()
                        .map(|f| view! { <option value=f.clone()>{f.clone()}</option> })
                        .collect_view()}
                </select>
                <select
                    aria-label="architecture"
                    on:change=move |ev| arch.set(event_target_value(&ev))
                >
                    <option value="">"any arch"</option>
                    <option value="x86_64">"x86_64"</option>
                    <option value="arm64">"arm64"</option>
                </select>
                {move || {
                    target
                        .get()
                        .is_none()
                        .then(|| {
                            view! {
                                <label class="count">
                                    <span>"count"</span>
                                    <input
                                        type="number"
                                        min="1"
                                        max="5000"
                                        prop:value=move || count.get().to_string()
                                        on:input=move |ev| {
                                            count.set(event_target_value(&ev).parse().unwrap_or(1))
                                        }
                                    />
                                </label>
                            }
                        })
                }}
                {move || {
                    target
                        .get()
                        .is_some()
                        .then(|| {
                            view! {
                                <button class="link" on:click=move |_| target.set(None)>
                                    "cancel"
                                </button>
                            }
                        })
                }}
            </div>
            <div class="picker-table">
                <table>
                    <thead>
                        <tr>
                            <th>"type"</th>
                            <th>"vCPU"</th>
                            <th>"registered"</th>
                            <th>"$/hour"</th>
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            rows.get()
                                .0
                                .into_iter()
                                .map(|r| picker_row(store, r, target, count))
                                .collect_view()
                        }}
                    </tbody>
                </table>
                <p class="muted">
                    {move || {
                        let (r, n) = rows.get();
                        format!("showing {} of {} matching types", r.len(), n)
                    }}
                </p>
            </div>
        </div>
    }
}

/// One instance type in the picker: its facts and the button that adds a
/// group of it (or gives the chosen group this type).
fn picker_row(
    store: Store,
    r: CatalogueRow,
    target: RwSignal<Option<String>>,
    count: RwSignal<u32>,
) -> impl IntoView {
    let name = r.name.clone();
    let pick = move |_| {
        let edit = match target.get_untracked() {
            Some(group) => Edit::SetGroupType {
                group,
                instance_type: name.clone(),
            },
            None => Edit::AddGroup {
                instance_type: name.clone(),
                count: count.get_untracked().max(1),
            },
        };
        if store.dispatch(edit).is_ok() {
            target.set(None);
        }
    };
    let facts = format!("{} · {} nominal", r.architecture, mib(r.memory as u64));
    let estimated = r.estimated.then(|| {
        view! {
            <span class="estimated" title="estimated from nominal memory">
                " est."
            </span>
        }
    });
    let price = r
        .price_per_hour
        .map_or("—".to_string(), |p| format!("{p:.4}"));
    view! {
        <tr data-testid="picker-row">
            <td class="mono" title=facts>
                {r.name.clone()}
            </td>
            <td>{r.vcpu}</td>
            <td>{mib(r.registered_memory as u64)}{estimated}</td>
            <td>{price}</td>
            <td>
                <button class="small" data-testid="pick" on:click=pick>
                    {move || if target.get().is_some() { "use" } else { "add" }}
                </button>
            </td>
        </tr>
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
