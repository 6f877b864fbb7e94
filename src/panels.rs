//! The side panels: cluster (totals, groups, instance-type picker), the
//! service palette and its form, the tray of unplaced tasks, and insights
//! (JVM, load-balancer targets, charts).

use berth_core::app::edit::{service_form, Edit, ServiceForm};
use berth_core::app::view::{catalogue_rows, families, Board as BoardView, GroupView};
use berth_core::model::NetworkMode;
use berth_core::rules::jvm::Severity;
use leptos::ev::DragEvent;
use leptos::prelude::*;

use crate::dnd::{pick_up, start_drag, DropZone};
use crate::format::mib;
use crate::store::{use_store, FormState, Payload, Target};

/// Cluster totals and cost, kept in view in the top bar.
#[component]
pub fn TotalsBar() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    view! {
        <dl class="totals" data-testid="totals">
            {move || {
                let t = vm.with(|b| b.totals.clone());
                view! {
                    <div><dt>"instances"</dt><dd>{t.instances}</dd></div>
                    <div><dt>"CPU units"</dt><dd>{format!("{} / {}", t.cpu_reserved, t.cpu_units)}</dd></div>
                    <div><dt>"memory reserved"</dt><dd>{format!("{} / {}", mib(t.memory_reserved), mib(t.memory_registered))}</dd></div>
                    <div><dt>"kept by system"</dt><dd>{mib(t.memory_system)}</dd></div>
                    <div><dt>"free"</dt><dd>{mib(t.memory_free)}</dd></div>
                    <div><dt>"unplaced"</dt><dd class:bad={t.unplaced_tasks > 0}>{t.unplaced_tasks}</dd></div>
                    <div><dt>"on-demand / month"</dt><dd data-testid="monthly-cost">{format!("${:.2}", t.monthly_cost)}</dd></div>
                }
            }}
        </dl>
    }
}

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
    view! {
        <section class="panel" aria-labelledby="cluster-h">
            <h2 id="cluster-h">"Instance groups"</h2>
            <ul class="group-rows">
                {move || vm.with(|b| b.groups.iter().map(header_only).collect::<Vec<_>>()).into_iter().map(|g| {
                    let name = g.name.clone();
                    let name_count = g.name.clone();
                    let name_remove = g.name.clone();
                    view! {
                        <li class="group-row" data-testid="group-row">
                            <strong>{g.name.clone()}</strong>
                            <span class="mono">{g.instance_type.clone()}</span>
                            <label class="count">
                                <span class="sr-only">{format!("instances in {}", g.name)}</span>
                                <input type="number" min="0" max="5000" prop:value=g.count.to_string() data-testid="group-count"
                                    on:change=move |ev| {
                                        if let Ok(count) = event_target_value(&ev).trim().parse::<u32>() {
                                            let _ = store.dispatch(Edit::SetGroupCount { group: name_count.clone(), count });
                                        }
                                    }/>
                            </label>
                            <button class="link" data-testid="change-type" on:click=move |_| {
                                picker_for.set(Some(name.clone()));
                            }>"type…"</button>
                            <button class="link danger" aria-label=format!("remove group {}", g.name) on:click=move |_| {
                                let _ = store.dispatch(Edit::RemoveGroup { group: name_remove.clone() });
                            }>"✕"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <details class="picker-box" prop:open=move || picker_for.get().is_some()>
                <summary data-testid="add-group">"Add an instance group…"</summary>
                <Picker target=picker_for/>
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
            <h3>{move || match target.get() { Some(g) => format!("Instance type for {g}"), None => "Add an instance group".to_string() }}</h3>
            <div class="picker-filters">
                <input type="search" placeholder="Search 1,364 types, e.g. t3.medium" aria-label="search instance types"
                    data-testid="picker-search" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                <select aria-label="family" on:change=move |ev| family.set(event_target_value(&ev))>
                    <option value="">"all families"</option>
                    {all_families.into_iter().map(|f| view! { <option value=f.clone()>{f.clone()}</option> }).collect_view()}
                </select>
                <select aria-label="architecture" on:change=move |ev| arch.set(event_target_value(&ev))>
                    <option value="">"any arch"</option>
                    <option value="x86_64">"x86_64"</option>
                    <option value="arm64">"arm64"</option>
                </select>
                {move || target.get().is_none().then(|| view! {
                    <label class="count"><span>"count"</span>
                        <input type="number" min="1" max="5000" prop:value=move || count.get().to_string()
                            on:input=move |ev| count.set(event_target_value(&ev).parse().unwrap_or(1))/>
                    </label>
                })}
                {move || target.get().is_some().then(|| view! {
                    <button class="link" on:click=move |_| target.set(None)>"cancel"</button>
                })}
            </div>
            <div class="picker-table">
                <table>
                    <thead><tr><th>"type"</th><th>"vCPU"</th><th>"registered"</th><th>"$/hour"</th><th></th></tr></thead>
                    <tbody>
                        {move || rows.get().0.into_iter().map(|r| {
                            let name = r.name.clone();
                            view! {
                                <tr data-testid="picker-row">
                                    <td class="mono" title=format!("{} · {} nominal", r.architecture, mib(r.memory as u64))>{r.name.clone()}</td>
                                    <td>{r.vcpu}</td>
                                    <td>{mib(r.registered_memory as u64)}{r.estimated.then(|| view! { <span class="estimated" title="estimated from nominal memory">" est."</span> })}</td>
                                    <td>{r.price_per_hour.map_or("—".to_string(), |p| format!("{p:.4}"))}</td>
                                    <td><button class="small" data-testid="pick" on:click=move |_| {
                                        let edit = match target.get_untracked() {
                                            Some(group) => Edit::SetGroupType { group, instance_type: name.clone() },
                                            None => Edit::AddGroup { instance_type: name.clone(), count: count.get_untracked().max(1) },
                                        };
                                        if store.dispatch(edit).is_ok() { target.set(None); }
                                    }>{move || if target.get().is_some() { "use" } else { "add" }}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="muted">{move || { let (r, n) = rows.get(); format!("showing {} of {} matching types", r.len(), n) }}</p>
            </div>
        </div>
    }
}

#[component]
pub fn Palette() -> impl IntoView {
    let store = use_store();
    let vm = expect_context::<Memo<BoardView>>();
    let off_board = DropZone::new(Target::OffBoard, false);
    view! {
        <section class="panel" aria-labelledby="services-h">
            <div class="panel-head">
                <h2 id="services-h">"Services"</h2>
                <button class="small" data-testid="new-service" on:click=move |_| store.editing.set(Some(FormState {
                    original: None,
                    form: ServiceForm { image: "nginx:1.27".into(), memory_reservation: Some(128), container_port: Some(80), desired_count: 1, ..ServiceForm::default() },
                    errors: Vec::new(),
                }))>"+ new"</button>
            </div>
            <p class="muted">"Drag a card onto an instance group or one instance — or focus it, press Enter, choose with the arrow keys, Enter again."</p>
            <ul class="palette">
                {move || vm.with(|b| b.services.clone()).into_iter().map(|s| {
                    let payload = Payload::Service { service: s.name.clone() };
                    let p_key = payload.clone();
                    let (edit_name, dup_name, del_name) = (s.name.clone(), s.name.clone(), s.name.clone());
                    view! {
                        <li class=format!("service-card svc-{}", s.colour) draggable="true" tabindex="0"
                            data-testid="service-card" data-service=s.name.clone()
                            class:picked=move || store.picked.get().as_ref().is_some_and(|p| matches!(p, Payload::Service { service } if *service == p_key.service()))
                            on:dragstart=move |ev: DragEvent| start_drag(&ev, &payload)
                            on:keydown={
                                let p = Payload::Service { service: s.name.clone() };
                                move |ev: leptos::ev::KeyboardEvent| {
                                    if matches!(ev.key().as_str(), "Enter" | " ") && store.picked.get_untracked().is_none() {
                                        ev.prevent_default();
                                        ev.stop_propagation();
                                        pick_up(store, p.clone());
                                    }
                                }
                            }
                        >
                            <div class="card-title">
                                <span class="swatch"></span>
                                <strong>{s.name.clone()}</strong>
                                <span class="pill">{s.network_mode.clone()}</span>
                            </div>
                            <dl class="facts">
                                <div><dt>"CPU"</dt><dd>{s.cpu}</dd></div>
                                <div><dt>"reserve / limit"</dt><dd>{format!("{} / {}", s.memory_reservation, s.hard_limit.map_or("none".into(), |l| l.to_string()))}</dd></div>
                                <div><dt>"ports"</dt><dd>{if s.ports.is_empty() { "—".to_string() } else { s.ports.join(", ") }}</dd></div>
                                <div><dt>"tasks"</dt><dd class:bad={s.unplaced > 0}>{format!("{} / {}", s.placed, s.desired_count)}</dd></div>
                            </dl>
                            <div class="card-actions">
                                <button class="link" on:click=move |_| {
                                    let form = store.plan.with_untracked(|p| service_form(p, &edit_name));
                                    if let Some(form) = form { store.editing.set(Some(FormState { original: Some(edit_name.clone()), form, errors: Vec::new() })); }
                                }>"edit"</button>
                                <button class="link" on:click=move |_| { let _ = store.dispatch(Edit::DuplicateService { service: dup_name.clone() }); }>"duplicate"</button>
                                <button class="link danger" on:click=move |_| { let _ = store.dispatch(Edit::DeleteService { service: del_name.clone() }); }>"delete"</button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="off-board" class:drag-over=move || off_board.is_over() data-testid="off-board"
                on:dragover=move |ev| off_board.drag_over(ev)
                on:dragleave=move |_| off_board.drag_leave()
                on:drop=move |ev| off_board.dropped(ev)>
                "Drag a task here to remove it"
            </div>
            <ServiceFormPanel/>
        </section>
    }
}

#[component]
fn ServiceFormPanel() -> impl IntoView {
    let store = use_store();
    let field_error = move |name: &'static str| {
        move || {
            store.editing.get().and_then(|f| f.errors.iter().find(|(k, _)| k == name).map(|(_, m)| m.clone()))
                .map(|m| view! { <span class="field-error" data-testid=format!("error-{name}")>{m}</span> })
        }
    };
    let update = move |f: fn(&mut ServiceForm, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            store.editing.update(|e| {
                if let Some(e) = e {
                    f(&mut e.form, v)
                }
            });
        }
    };
    move || {
        store.editing.get().map(|state| {
        let f = state.form.clone();
        view! {
            <form class="service-form" data-testid="service-form" on:submit=move |ev| {
                ev.prevent_default();
                let Some(state) = store.editing.get_untracked() else { return };
                match store.dispatch(Edit::SaveService { original: state.original.clone(), form: state.form.clone() }) {
                    Ok(()) => store.editing.set(None),
                    Err(e) => {
                        store.notice.set(None);
                        store.editing.update(|s| if let Some(s) = s { s.errors = e.fields.clone(); });
                    }
                }
            }>
                <h3>{if state.original.is_some() { "Edit service" } else { "New service" }}</h3>
                <label>"name"<input name="name" prop:value=f.name.clone() on:input=update(|f, v| f.name = v)/>{field_error("name")}</label>
                <label>"image"<input name="image" prop:value=f.image.clone() on:input=update(|f, v| f.image = v)/>{field_error("image")}</label>
                <div class="row">
                    <label>"CPU units"<input name="cpu" type="number" min="0" prop:value=f.cpu.to_string() on:input=update(|f, v| f.cpu = v.trim().parse().unwrap_or(0))/>{field_error("cpu")}</label>
                    <label>"desired"<input name="desiredCount" type="number" min="0" prop:value=f.desired_count.to_string() on:input=update(|f, v| f.desired_count = v.trim().parse().unwrap_or(0))/>{field_error("desiredCount")}</label>
                </div>
                <div class="row">
                    <label>"reservation MiB"<input name="memoryReservation" type="number" min="0" prop:value=f.memory_reservation.map(|v| v.to_string()).unwrap_or_default() on:input=update(|f, v| f.memory_reservation = v.trim().parse().ok())/>{field_error("memoryReservation")}</label>
                    <label>"hard limit MiB"<input name="memory" type="number" min="0" prop:value=f.memory.map(|v| v.to_string()).unwrap_or_default() on:input=update(|f, v| f.memory = v.trim().parse().ok())/>{field_error("memory")}</label>
                </div>
                <div class="row">
                    <label>"network mode"
                        <select name="networkMode" on:change=update(|f, v| f.network_mode = NetworkMode::from_name(&v).unwrap_or_default())>
                            {NetworkMode::ALL.into_iter().map(|m| view! { <option value=m.as_str() selected=f.network_mode == m>{m.as_str()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"container port"<input name="containerPort" type="number" min="0" max="65535" prop:value=f.container_port.map(|v| v.to_string()).unwrap_or_default() on:input=update(|f, v| f.container_port = v.trim().parse().ok())/>{field_error("containerPort")}</label>
                    <label>"host port (0 = dynamic)"<input name="hostPort" type="number" min="0" max="65535" prop:value=f.host_port.map(|v| v.to_string()).unwrap_or_default() on:input=update(|f, v| f.host_port = v.trim().parse().ok())/>{field_error("hostPort")}</label>
                </div>
                <label>"JAVA_OPTS"<input name="javaOpts" prop:value=f.java_opts.clone() placeholder="-Xmx512m -XX:MaxMetaspaceSize=128m" on:input=update(|f, v| f.java_opts = v)/></label>
                <div class="form-actions">
                    <button type="submit" data-testid="save-service">"Save"</button>
                    <button type="button" class="link" on:click=move |_| store.editing.set(None)>"Cancel"</button>
                </div>
            </form>
        }
    })
    }
}

#[component]
pub fn Tray() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    view! {
        <section class="panel tray" aria-labelledby="tray-h" data-testid="tray">
            <h2 id="tray-h">{move || format!("Waiting to be placed · {}", vm.with(|b| b.totals.unplaced_tasks))}</h2>
            {move || {
                let list = vm.with(|b| b.unplaced.clone());
                if list.is_empty() {
                    view! { <p class="muted">"Every task has a place."</p> }.into_any()
                } else {
                    view! {
                        <ul class="unplaced">
                            {list.into_iter().map(|u| view! {
                                <li class=format!("svc-{}", u.colour) data-testid="unplaced">
                                    <strong>{format!("{} × {}", u.count, u.label)}</strong>
                                    <code>{u.reason.clone()}</code>
                                    <p>{u.message.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
pub fn Insights() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let crate::charts::ChartWidth(chart_width) = expect_context();
    view! {
        <div class="insights">
            <section class="panel" aria-labelledby="jvm-h">
                <h2 id="jvm-h">"JVM memory"</h2>
                <p class="muted">"A heuristic (§7.5): heap, metaspace and the rest against the container's hard limit."</p>
                {move || vm.with(|b| b.jvm.clone()).into_iter().map(|j| {
                    let limit = j.hard_limit.map(|l| l as f64).unwrap_or(j.required);
                    let scale = j.required.max(limit).max(1.0);
                    let sev = match j.severity { Severity::Red => "red", Severity::Amber => "amber", Severity::Ok => "ok" };
                    let mut acc = 0.0;
                    view! {
                        <div class=format!("jvm {sev}") data-testid="jvm">
                            <div class="jvm-head">
                                <strong>{format!("{} / {}", j.task_definition, j.container)}</strong>
                                <span class=format!("badge {sev}")>{sev}</span>
                                <span class="muted">{format!("needs ≈ {:.0} MiB of {}", j.required, j.hard_limit.map_or("no limit".into(), |l| format!("{l} MiB")))}</span>
                            </div>
                            <div class="jvmbar">
                                {j.parts.iter().enumerate().map(|(k, (label, v))| {
                                    let left = acc;
                                    acc += v;
                                    let danger = j.hard_limit.is_some_and(|l| acc > l as f64);
                                    view! {
                                        <div class=format!("part p{k}") class:danger=danger style:left=format!("{:.3}%", left / scale * 100.0)
                                            style:width=format!("{:.3}%", v / scale * 100.0) title=format!("{label}: {v:.0} MiB") tabindex="0"></div>
                                    }
                                }).collect_view()}
                                {j.hard_limit.map(|l| view! { <div class="jvm-limit" style:left=format!("{:.3}%", l as f64 / scale * 100.0) title=format!("hard limit {l} MiB")></div> })}
                            </div>
                            <ul class="legend">
                                {j.parts.iter().enumerate().map(|(k, (label, v))| view! { <li><span class=format!("key p{k}")></span>{format!("{label} {v:.0}")}</li> }).collect_view()}
                            </ul>
                            <p class="finding">{j.findings.first().cloned().unwrap_or_default()}</p>
                        </div>
                    }
                }).collect_view()}
            </section>
            <section class="panel" aria-labelledby="lb-h">
                <h2 id="lb-h">"Load-balancer targets"</h2>
                {move || vm.with(|b| b.targets.clone()).into_iter().map(|t| view! {
                    <div class="targets" data-testid="targets">
                        <strong>{t.service.clone()}</strong>
                        <span class="muted">{format!(" HTTP:80/* → container port {}", t.container_port)}</span>
                        <ul>{t.targets.into_iter().map(|a| view! { <li class="mono">{a}</li> }).collect_view()}</ul>
                    </div>
                }).collect_view()}
            </section>
            <section class="panel chart" aria-labelledby="chart-h">
                <h2 id="chart-h">"Use by service"</h2>
                <div class="svg" data-testid="usage-chart" inner_html=move || {
                    let width = chart_width.get();
                    vm.with(|b| crate::charts::usage_svg(&b.usage, b.totals.memory_registered, b.totals.cpu_units, width))
                }></div>
            </section>
        </div>
    }
}
