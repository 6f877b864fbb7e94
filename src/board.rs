//! The board: instance groups and their container instances, each with its
//! memory bar, CPU bar, port map and tasks. Drop targets for drags.
//!
//! Groups are keyed by what their header shows and instances by the core's
//! `content_hash`, so a change redraws only the cards whose picture changed
//! (issue 8: one drag on 500 instances must not rebuild 500 cards).

use berth_core::app::view::{Board as BoardView, GroupView, InstanceView, PortKind};
use leptos::ev::DragEvent;
use leptos::prelude::*;

use crate::app::targets;
use crate::store::{use_store, Payload, Target};

pub fn mib(v: u64) -> String {
    if v >= 10 * 1024 {
        format!("{:.1} GiB", v as f64 / 1024.0)
    } else {
        format!("{v} MiB")
    }
}

fn pct(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        "0%".into()
    } else {
        format!("{:.3}%", (part / whole * 100.0).clamp(0.0, 100.0))
    }
}

/// Reads the payload of a drop.
pub fn payload_of(ev: &DragEvent) -> Option<Payload> {
    ev.data_transfer()
        .and_then(|dt| dt.get_data("text/plain").ok())
        .and_then(|t| Payload::decode(&t))
}

pub fn start_drag(ev: &DragEvent, payload: &Payload) {
    if let Some(dt) = ev.data_transfer() {
        let _ = dt.set_data("text/plain", &payload.encode());
        dt.set_effect_allowed("move");
    }
}

/// A closure telling whether `me` is the keyboard drag's current target. It
/// reads the board only while something is picked up, so ordinary changes
/// do not wake every card.
fn kbd_target(vm: Memo<BoardView>, me: Target) -> impl Fn() -> bool + Send + Sync + 'static {
    let store = use_store();
    move || {
        store.picked.with(|picked| match picked {
            Some(p) => {
                let index = store.target.get();
                vm.with(|b| targets(b, matches!(p, Payload::Task { .. })).get(index) == Some(&me))
            }
            None => false,
        })
    }
}

/// What a group's header shows: its key on the board.
type GroupHead = (String, String, u32, u32, u32, u32, bool);

fn group_head(g: &GroupView) -> GroupHead {
    (
        g.name.clone(),
        g.instance_type.clone(),
        g.count,
        g.vcpu,
        g.cpu_units,
        g.registered_memory,
        g.memory_estimated,
    )
}

#[component]
pub fn Board() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let heads = move || vm.with(|b| b.groups.iter().map(group_head).collect::<Vec<_>>());
    view! {
        <section class="board" aria-label="Cluster board">
            <Show when=move || vm.with(|b| b.groups.is_empty())>
                <p class="empty">"No instance groups yet. Add one from the catalogue on the left."</p>
            </Show>
            <For each=heads key=|head| head.clone() let:head>
                <GroupSection head=head/>
            </For>
        </section>
    }
}

#[component]
fn GroupSection(head: GroupHead) -> impl IntoView {
    let store = use_store();
    let vm = expect_context::<Memo<BoardView>>();
    let (name, instance_type, count, vcpu, cpu_units, registered_memory, memory_estimated) = head;
    let me = Target::Group(name.clone());
    let me_drop = me.clone();
    let over = RwSignal::new(false);
    let kbd = kbd_target(vm, me.clone());
    // (instance id, content hash) of this group's instances; a card is
    // rebuilt only when its pair changes.
    let cards = {
        let name = name.clone();
        move || {
            vm.with(|b| {
                b.groups
                    .iter()
                    .find(|g| g.name == name)
                    .map(|g| {
                        g.instances
                            .iter()
                            .map(|i| (i.id.clone(), i.content_hash()))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        }
    };
    let card = {
        let name = name.clone();
        move |(id, _): (String, u64)| {
            let inst = vm.with_untracked(|b| {
                b.groups
                    .iter()
                    .find(|g| g.name == name)
                    .and_then(|g| g.instances.iter().find(|i| i.id == id))
                    .cloned()
            });
            inst.map(|i| view! { <InstanceCard inst=i/> })
        }
    };
    view! {
        <section
            class="group"
            class:drag-over=move || over.get()
            class:kbd-target=kbd
            data-testid="group"
            data-group=name.clone()
            on:dragover=move |ev: DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                over.set(false);
                if let Some(p) = payload_of(&ev) { store.drop_on(&p, &me_drop); }
            }
        >
            <header class="group-head">
                <h2>{name.clone()}</h2>
                <span class="pill mono">{format!("{count} × {instance_type}")}</span>
                <span class="muted">{format!("{vcpu} vCPU · {cpu_units} CPU units · {} registered{}", mib(registered_memory as u64), if memory_estimated { " (estimated)" } else { "" })}</span>
                <span class="drop-hint">"Drop a service here to add a task"</span>
            </header>
            <div class="instances">
                <For each=cards key=|pair| pair.clone() children=card/>
            </div>
        </section>
    }
}

#[component]
fn InstanceCard(inst: InstanceView) -> impl IntoView {
    let store = use_store();
    let vm = expect_context::<Memo<BoardView>>();
    let me = Target::Instance(inst.id.clone());
    let me_drop = me.clone();
    let id = inst.id.clone();
    let over = RwSignal::new(false);
    let kbd = kbd_target(vm, me.clone());
    let notice = {
        let id = id.clone();
        move || {
            store
                .notice
                .get()
                .filter(|n| n.instance.as_deref() == Some(id.as_str()))
        }
    };
    let nominal = inst.nominal_memory as f64;
    let limit_text = format!(
        "hard limits {} of {} registered",
        mib(inst.hard_limit_total),
        mib(inst.registered_memory as u64)
    );
    let mut offset = inst.system_memory as f64;
    let segments: Vec<_> = inst
        .memory
        .iter()
        .map(|m| {
            let left = offset;
            offset += m.reservation as f64;
            (m.clone(), left)
        })
        .collect();
    let cpu_total = inst.registered_cpu as f64;
    view! {
        <article
            class="instance"
            class:drag-over=move || over.get()
            class:kbd-target=kbd
            data-testid="instance"
            data-instance=inst.id.clone()
            on:dragover=move |ev: DragEvent| { ev.prevent_default(); ev.stop_propagation(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                ev.stop_propagation();
                over.set(false);
                if let Some(p) = payload_of(&ev) { store.drop_on(&p, &me_drop); }
            }
        >
            <header class="instance-head">
                <strong>{inst.id.clone()}</strong>
                <span class="pill mono">{format!("{} · {}", inst.instance_type, inst.availability_zone)}</span>
            </header>
            {move || notice().map(|n| view! { <p class="instance-error" role="alert" data-testid="instance-error">{n.message}</p> })}
            <div class="bar-label">
                <span>"Memory"</span>
                <span class="muted" data-testid="memory-summary">
                    {format!("{} reserved · {} free of {} registered{}", mib((inst.registered_memory - inst.free_memory) as u64), mib(inst.free_memory as u64), mib(inst.registered_memory as u64), if inst.memory_estimated { " (est.)" } else { "" })}
                </span>
            </div>
            <div class="membar" role="group" aria-label=format!("Memory of {}", inst.id)>
                <div class="seg system" style:width=pct(inst.system_memory as f64, nominal)
                    tabindex="0" title=format!("kept by the system: {} MiB (not registered)", inst.system_memory)
                    aria-label=format!("kept by the system: {} MiB", inst.system_memory)></div>
                {segments.iter().map(|(m, _)| view! {
                    <div class=format!("seg task svc-{} phase-{}", m.colour, m.phase.map_or("plan", |p| p.as_str())) style:width=pct(m.reservation as f64, nominal)
                        tabindex="0" data-testid="mem-segment"
                        title=format!("{}: reservation {} MiB, hard limit {}", m.label, m.reservation, m.hard_limit.map_or("none".into(), |l| format!("{l} MiB")))
                        aria-label=format!("{}: reservation {} MiB, hard limit {}", m.label, m.reservation, m.hard_limit.map_or("none".into(), |l| format!("{l} MiB")))></div>
                }).collect_view()}
                <div class="seg free" style:width=pct(inst.free_memory as f64, nominal)
                    tabindex="0" title=format!("free: {} MiB", inst.free_memory) aria-label=format!("free: {} MiB", inst.free_memory)></div>
            </div>
            <div class="limits" aria-hidden="true">
                {
                    // One lane per task inside a fixed height, so adding a task never moves the layout.
                    let lane = 22.0 / (segments.len().max(1) as f64);
                    segments.iter().enumerate().filter_map(|(k, (m, left))| m.hard_limit.map(|l| view! {
                        <div class=format!("limit svc-{}", m.colour) style:left=pct(*left, nominal) style:width=pct(l as f64, nominal)
                            style:top=format!("{:.2}px", k as f64 * lane) style:height=format!("{:.2}px", (lane - 1.0).clamp(1.5, 6.0))
                            class:past-end={(*left + l as f64) > nominal}></div>
                    })).collect_view()
                }
            </div>
            <p class="overcommit" class:bad=inst.overcommitted data-testid="overcommit">
                {if inst.overcommitted { format!("⚠ {limit_text}: overcommitted") } else { limit_text.clone() }}
            </p>
            <div class="bar-label">
                <span>"CPU units"</span>
                <span class="muted">{format!("{} of {} free", inst.free_cpu, inst.registered_cpu)}</span>
            </div>
            <div class="cpubar" role="group" aria-label=format!("CPU of {}", inst.id)>
                {inst.cpu.iter().map(|(label, colour, cpu)| view! {
                    <div class=format!("seg task svc-{colour}") style:width=pct(*cpu as f64, cpu_total)
                        tabindex="0" title=format!("{label}: {cpu} CPU units") aria-label=format!("{label}: {cpu} CPU units")></div>
                }).collect_view()}
                <div class="seg free" style:width=pct(inst.free_cpu as f64, cpu_total) title=format!("free: {} CPU units", inst.free_cpu)></div>
            </div>
            <ul class="chips" aria-label=format!("Tasks on {}", inst.id)>
                {inst.tasks.iter().map(|t| {
                    let payload = t.service.clone().map(|service| Payload::Task { service, instance: id.clone() });
                    let draggable = payload.is_some();
                    let p_drag = payload.clone();
                    let p_key = payload.clone();
                    view! {
                        <li class=format!("chip svc-{} phase-{}", t.colour, t.phase.map_or("plan", |p| p.as_str())) class:pinned=t.pinned
                            draggable=if draggable { "true" } else { "false" }
                            tabindex="0" data-testid="task-chip"
                            title=if t.pinned { "pinned to this instance" } else { "placed by the scheduler" }
                            on:dragstart=move |ev: DragEvent| { if let Some(p) = &p_drag { start_drag(&ev, p); } }
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                if let (Some(p), "Enter" | " ") = (&p_key, ev.key().as_str()) {
                                    if store.picked.get_untracked().is_none() {
                                        ev.prevent_default();
                                        ev.stop_propagation();
                                        store.picked.set(Some(p.clone()));
                                        store.target.set(0);
                                        store.announce.set(format!("Picked up a {} task. Arrow keys choose an instance, Enter drops, Escape cancels.", p.service()));
                                    }
                                }
                            }
                        >
                            {t.label.clone()}{t.pinned.then_some(" 📌")}{t.phase.map(|p| format!(" · {}", p.as_str()))}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <details class="ports">
                <summary>{format!("Port map · {} host ports in use", inst.ports.len())}{(inst.eni_capacity > 0 && inst.enis_used > 0).then(|| format!(" · ENIs {}/{}", inst.enis_used, inst.eni_capacity))}</summary>
                <table data-testid="port-map">
                    <thead><tr><th>"host"</th><th>"proto"</th><th>"kind"</th><th>"→ task / container"</th></tr></thead>
                    <tbody>
                        {inst.ports.iter().map(|p| {
                            let kind = match p.kind { PortKind::Reserved => "reserved", PortKind::Static => "static", PortKind::Dynamic => "dynamic" };
                            view! {
                                <tr class=kind>
                                    <td class="mono">{p.host_port}</td>
                                    <td>{p.protocol.as_str()}</td>
                                    <td><span class=format!("kind {kind}")>{kind}</span></td>
                                    <td>{match (&p.owner, p.container_port) { (Some(o), Some(c)) => format!("{o} : {c}"), _ => "ECS agent / host".to_string() }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </article>
    }
}
