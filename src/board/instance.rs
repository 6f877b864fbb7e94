//! One container instance's card: its memory bar (what the system keeps,
//! each task's reservation, what is free) with each task's hard limit
//! beneath, its CPU bar, its tasks and its port map.

use berth_core::app::view::{InstanceView, MemorySegment};
use leptos::html::Article;
use leptos::prelude::*;
use web_sys::{ScrollIntoViewOptions, ScrollLogicalPosition};

use super::chips::TaskChips;
use super::ports::PortMap;
use crate::dnd::{kbd_target, DropZone};
use crate::format::{mib, pct};
use crate::store::{use_store, Target};

#[component]
pub fn InstanceCard(inst: InstanceView) -> impl IntoView {
    let store = use_store();
    let id = inst.id.clone();
    let zone = DropZone::new(Target::Instance(id.clone()), true);
    let kbd = kbd_target(Target::Instance(inst.id.clone()));
    let card_ref = NodeRef::<Article>::new();
    // The keyboard drag chose this card: bring all of it into view.
    Effect::new(move |_| {
        if kbd() {
            if let Some(el) = card_ref.get_untracked() {
                let options = ScrollIntoViewOptions::new();
                options.set_block(ScrollLogicalPosition::Nearest);
                el.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    });
    let notice = {
        let id = id.clone();
        move || {
            store
                .notice
                .get()
                .filter(|n| n.instance.as_deref() == Some(id.as_str()))
        }
    };
    let estimated = if inst.memory_estimated { " (est.)" } else { "" };
    let memory_summary = format!(
        "{} reserved · {} free of {} registered{estimated}",
        mib((inst.registered_memory - inst.free_memory) as u64),
        mib(inst.free_memory as u64),
        mib(inst.registered_memory as u64)
    );
    view! {
        <article
            class="instance"
            node_ref=card_ref
            class:kbd-target=kbd
            data-testid="instance"
            data-instance=id.clone()
            {..zone.attrs()}
        >
            <header class="instance-head">
                <strong>{id.clone()}</strong>
                <span class="pill mono">
                    {format!("{} · {}", inst.instance_type, inst.availability_zone)}
                </span>
            </header>
            {move || {
                notice()
                    .map(|n| {
                        view! {
                            <p class="instance-error" role="alert" data-testid="instance-error">
                                {n.message}
                            </p>
                        }
                    })
            }}
            <div class="bar-label">
                <span>"Memory"</span>
                <span class="muted" data-testid="memory-summary">
                    {memory_summary}
                </span>
            </div>
            <MemoryBar inst=inst.clone() />
            <CpuBar inst=inst.clone() />
            {(inst.registered_gpus > 0)
                .then(|| {
                    view! {
                        <div class="bar-label">
                            <span>"GPUs"</span>
                            <span class="muted" data-testid="gpu-summary">
                                {format!("{} of {} free", inst.free_gpus, inst.registered_gpus)}
                            </span>
                        </div>
                    }
                })}
            <TaskChips inst=inst.clone() />
            <PortMap inst=inst />
        </article>
    }
}

/// Each task's segment with where it starts on the bar, after what the
/// system keeps.
fn placed_segments(inst: &InstanceView) -> Vec<(MemorySegment, f64)> {
    let mut offset = inst.system_memory as f64;
    inst.memory
        .iter()
        .map(|m| {
            let left = offset;
            offset += m.reservation as f64;
            (m.clone(), left)
        })
        .collect()
}

/// "name: reservation N MiB, hard limit M MiB" for a segment's title.
fn segment_text(m: &MemorySegment) -> String {
    let limit = m.hard_limit.map_or("none".into(), |l| format!("{l} MiB"));
    format!(
        "{}: reservation {} MiB, hard limit {limit}",
        m.label, m.reservation
    )
}

#[component]
fn MemoryBar(inst: InstanceView) -> impl IntoView {
    let nominal = inst.nominal_memory as f64;
    let segments = placed_segments(&inst);
    let limit_text = format!(
        "hard limits {} of {} registered",
        mib(inst.hard_limit_total),
        mib(inst.registered_memory as u64)
    );
    let system = format!("kept by the system: {} MiB", inst.system_memory);
    let free = format!("free: {} MiB", inst.free_memory);
    // One lane per task inside a fixed height, so adding a task never moves the layout.
    let lane = 22.0 / (segments.len().max(1) as f64);
    view! {
        <div class="membar" role="group" aria-label=format!("Memory of {}", inst.id)>
            <div
                class="seg system"
                style:width=pct(inst.system_memory as f64, nominal)
                tabindex="0"
                title=format!("{system} (not registered)")
                aria-label=system
            ></div>
            {segments
                .iter()
                .map(|(m, _)| {
                    let phase = m.phase.map_or("plan", |p| p.as_str());
                    view! {
                        <div
                            class=format!("seg task svc-{} phase-{phase}", m.colour)
                            style:width=pct(m.reservation as f64, nominal)
                            tabindex="0"
                            data-testid="mem-segment"
                            title=segment_text(m)
                            aria-label=segment_text(m)
                        ></div>
                    }
                })
                .collect_view()}
            <div
                class="seg free"
                style:width=pct(inst.free_memory as f64, nominal)
                tabindex="0"
                title=free.clone()
                aria-label=free
            ></div>
        </div>
        <div class="limits" aria-hidden="true">
            {segments
                .iter()
                .enumerate()
                .filter_map(|(k, (m, left))| {
                    m.hard_limit
                        .map(|l| {
                            let past_end = (*left + l as f64) > nominal;
                            view! {
                                <div
                                    class=format!("limit svc-{}", m.colour)
                                    style:left=pct(*left, nominal)
                                    style:width=pct((l as f64).min(nominal - *left), nominal)
                                    style:top=format!("{:.2}px", k as f64 * lane)
                                    style:height=format!("{:.2}px", (lane - 1.0).clamp(1.5, 6.0))
                                    class:past-end=past_end
                                ></div>
                            }
                        })
                })
                .collect_view()}
        </div>
        // Overcommitted hard limits are the seed's own design: a known risk
        // (amber), not an error; they matter only when tasks use them.
        <p class="overcommit" class:risk=inst.overcommitted data-testid="overcommit">
            {if inst.overcommitted {
                format!("⚠ {limit_text}: overcommitted, a risk under load")
            } else {
                limit_text.clone()
            }}
        </p>
    }
}

#[component]
fn CpuBar(inst: InstanceView) -> impl IntoView {
    let cpu_total = inst.registered_cpu as f64;
    view! {
        <div class="bar-label">
            <span>"CPU units"</span>
            <span class="muted" data-testid="cpu-summary">
                {format!("{} of {} free", inst.free_cpu, inst.registered_cpu)}
            </span>
        </div>
        <div class="cpubar" role="group" aria-label=format!("CPU of {}", inst.id)>
            {inst
                .cpu
                .iter()
                .map(|(label, colour, cpu)| {
                    view! {
                        <div
                            class=format!("seg task svc-{colour}")
                            style:width=pct(*cpu as f64, cpu_total)
                            tabindex="0"
                            title=format!("{label}: {cpu} CPU units")
                            aria-label=format!("{label}: {cpu} CPU units")
                        ></div>
                    }
                })
                .collect_view()}
            <div
                class="seg free"
                style:width=pct(inst.free_cpu as f64, cpu_total)
                title=format!("free: {} CPU units", inst.free_cpu)
            ></div>
        </div>
    }
}
