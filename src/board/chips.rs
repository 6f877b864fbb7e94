//! An instance's tasks as chips: service tasks can be dragged (or picked up
//! with Enter) to another instance or off the board; standalone tasks and a
//! daemon's (marked ◆) stay.

use berth_core::app::view::InstanceView;
use leptos::ev::{DragEvent, KeyboardEvent, MouseEvent};
use leptos::prelude::*;

use crate::dnd::{pick_up, start_drag, tap_pick};
use crate::store::{use_store, Payload};

#[component]
pub fn TaskChips(inst: InstanceView) -> impl IntoView {
    let store = use_store();
    let id = inst.id.clone();
    view! {
        <ul class="chips" aria-label=format!("Tasks on {}", inst.id)>
            {inst
                .tasks
                .iter()
                .map(|t| {
                    let payload = t
                        .service
                        .clone()
                        .filter(|_| !t.daemon)
                        .map(|service| Payload::Task {
                            service,
                            instance: id.clone(),
                        });
                    let draggable = payload.is_some();
                    let p_drag = payload.clone();
                    let p_tap = payload.clone();
                    let phase = t.phase.map_or("plan", |p| p.as_str());
                    // A daemon's tasks are ECS's to place (§10.1): never dragged.
                    view! {
                        <li
                            class=format!("chip svc-{} phase-{phase}", t.colour)
                            class:pinned=t.pinned
                            class:daemon=t.daemon
                            draggable=if draggable { "true" } else { "false" }
                            tabindex="0"
                            data-testid="task-chip"
                            title=if t.daemon {
                                "daemon: ECS runs one on each instance that meets its constraints"
                            } else if t.pinned {
                                "pinned to this instance"
                            } else {
                                "placed by the scheduler"
                            }
                            on:dragstart=move |ev: DragEvent| {
                                if let Some(p) = &p_drag {
                                    start_drag(&ev, p);
                                }
                            }
                            on:click=move |ev: MouseEvent| {
                                if let Some(p) = &p_tap {
                                    tap_pick(store, p.clone(), &ev);
                                }
                            }
                            on:keydown=move |ev: KeyboardEvent| {
                                let starts = matches!(ev.key().as_str(), "Enter" | " ");
                                if let (Some(p), true) = (&payload, starts) {
                                    if store.picked.get_untracked().is_none() {
                                        ev.prevent_default();
                                        ev.stop_propagation();
                                        pick_up(store, p.clone());
                                    }
                                }
                            }
                        >
                            {t.daemon.then_some("◆ ")}
                            {t.label.clone()}
                            {t.pinned.then_some(" 📌")}
                            {t.phase.map(|p| format!(" · {}", p.label()))}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
