//! The services, as cards to drag onto the board (or pick up with Enter),
//! with edit, duplicate and delete, and the off-board drop zone.

use berth_core::app::edit::{service_form, Edit, ServiceForm};
use berth_core::app::view::{Board as BoardView, ServiceCard};
use leptos::ev::DragEvent;
use leptos::prelude::*;

use super::service_form::ServiceFormPanel;
use crate::dnd::{on_control, pick_up, start_drag, tap_pick, DropZone};
use crate::store::{use_store, FormState, Payload, Store, Target};

#[component]
pub fn Palette() -> impl IntoView {
    let store = use_store();
    let vm = expect_context::<Memo<BoardView>>();
    let off_board = DropZone::new(Target::OffBoard, false);
    view! {
        <section class="panel" aria-labelledby="services-h">
            <div class="panel-head">
                <h2 id="services-h">"Services"</h2>
                <button
                    class="small"
                    data-testid="new-service"
                    on:click=move |_| {
                        store
                            .editing
                            .set(
                                Some(FormState {
                                    original: None,
                                    form: ServiceForm {
                                        image: "nginx:1.27".into(),
                                        memory_reservation: Some(128),
                                        container_port: Some(80),
                                        desired_count: 1,
                                        ..ServiceForm::default()
                                    },
                                    errors: Vec::new(),
                                    unreadable: Vec::new(),
                                }),
                            )
                    }
                >
                    "+ new"
                </button>
            </div>
            <p class="muted">
                "Drag a card onto an instance group or one instance; or tap it, then tap the \
                 group or instance; or focus it, press Enter, choose with the arrow keys, Enter \
                 again."
            </p>
            <ul class="palette">
                {move || {
                    vm.with(|b| b.services.clone())
                        .into_iter()
                        .map(|s| service_card(store, s))
                        .collect_view()
                }}
            </ul>
            <div class="off-board" data-testid="off-board" {..off_board.attrs()}>
                "Drag a task here to remove it"
            </div>
            <ServiceFormPanel />
        </section>
    }
}

/// One service's card: its size, ports and placed count, draggable (or
/// picked up with Enter), with edit, duplicate and delete.
fn service_card(store: Store, s: ServiceCard) -> impl IntoView {
    let payload = Payload::Service {
        service: s.name.clone(),
    };
    let p_key = payload.clone();
    let (edit_name, dup_name, del_name) = (s.name.clone(), s.name.clone(), s.name.clone());
    let short = s.unplaced > 0;
    let daemon = s.daemon;
    view! {
        <li
            class=format!("service-card svc-{}", s.colour)
            class:daemon=daemon
            draggable=if daemon { "false" } else { "true" }
            tabindex="0"
            data-testid="service-card"
            data-service=s.name.clone()
            class:picked=move || {
                store
                    .picked
                    .get()
                    .as_ref()
                    .is_some_and(|p| {
                        matches!(p, Payload::Service { service } if *service == p_key.service())
                    })
            }
            on:dragstart=move |ev: DragEvent| {
                if !daemon {
                    start_drag(&ev, &payload)
                }
            }
            on:click={
                let p = Payload::Service {
                    service: s.name.clone(),
                };
                move |ev: leptos::ev::MouseEvent| {
                    if !daemon && !on_control(&ev) {
                        tap_pick(store, p.clone(), &ev);
                    }
                }
            }
            on:keydown={
                let p = Payload::Service {
                    service: s.name.clone(),
                };
                move |ev: leptos::ev::KeyboardEvent| {
                    if matches!(ev.key().as_str(), "Enter" | " ") && !daemon
                        && store.picked.get_untracked().is_none()
                    {
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
                {daemon
                    .then(|| {
                        view! {
                            <span
                                class="pill daemon"
                                title="DAEMON: ECS runs one task on each instance that meets its constraints, first; desiredCount is not used"
                            >
                                "◆ daemon"
                            </span>
                        }
                    })}
            </div>
            <dl class="facts">
                <div>
                    <dt>"CPU"</dt>
                    <dd>{s.cpu}</dd>
                </div>
                <div>
                    <dt>"reserve / limit"</dt>
                    <dd>
                        {format!(
                            "{} / {}",
                            s.memory_reservation,
                            s.hard_limit.map_or("none".into(), |l| l.to_string()),
                        )}
                    </dd>
                </div>
                <div>
                    <dt>"ports"</dt>
                    <dd>
                        {if s.ports.is_empty() { "—".to_string() } else { s.ports.join(", ") }}
                    </dd>
                </div>
                <div>
                    <dt>"tasks"</dt>
                    <dd class:bad=short data-testid="service-tasks">
                        {match &s.runs_on {
                            Some(kind) => format!("{} on {kind}, not placed here", s.desired_count),
                            None if daemon => {
                                format!("{} / {} (one per instance)", s.placed, s.desired_count)
                            }
                            None => format!("{} / {}", s.placed, s.desired_count),
                        }}
                    </dd>
                </div>
            </dl>
            <div class="card-actions">
                <button
                    class="link"
                    on:click=move |_| {
                        let form = store.plan.with_untracked(|p| service_form(p, &edit_name));
                        if let Some(form) = form {
                            store
                                .editing
                                .set(
                                    Some(FormState {
                                        original: Some(edit_name.clone()),
                                        form,
                                        errors: Vec::new(),
                                        unreadable: Vec::new(),
                                    }),
                                );
                        }
                    }
                >
                    "edit"
                </button>
                <button
                    class="link"
                    on:click=move |_| {
                        let _ = store
                            .dispatch(Edit::DuplicateService {
                                service: dup_name.clone(),
                            });
                    }
                >
                    "duplicate"
                </button>
                <button
                    class="link danger"
                    on:click=move |_| {
                        let _ = store
                            .dispatch(Edit::DeleteService {
                                service: del_name.clone(),
                            });
                    }
                >
                    "delete"
                </button>
            </div>
        </li>
    }
}
