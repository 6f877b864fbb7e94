//! The shell's state and its one way to change the plan. Who owns what:
//! `plan` is the only source of truth (every view derives from it through
//! berth-core); `history` holds the plans undo and redo go to;
//! `notice` is the last answer to an edit; `picked`/`target` are the keyboard
//! drag in progress; `editing` is the open service form; `exchange` is where
//! the lazily loaded export and import module is (see `exchange_module`);
//! `walking` and `kept` hold the user's plan aside while a walkthrough shows
//! its own; `placer` remembers the last plan placed, so that an edit and the redrawn
//! board place the edited plan once (the core keeps no such cache itself).

use berth_core::app::edit::{apply, apply_with, moved_together, Edit, EditError, ServiceForm};
use berth_core::placement::{Placement, Placer};
use berth_core::Plan;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::history::History;

/// What is being dragged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Payload {
    Service { service: String },
    Task { service: String, instance: String },
}

impl Payload {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(text: &str) -> Option<Payload> {
        serde_json::from_str(text).ok()
    }

    pub fn service(&self) -> &str {
        match self {
            Payload::Service { service } | Payload::Task { service, .. } => service,
        }
    }
}

/// Where something is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Group(String),
    Instance(String),
    OffBoard,
}

impl Target {
    pub fn describe(&self) -> String {
        match self {
            Target::Group(g) => format!("instance group {g}"),
            Target::Instance(i) => format!("instance {i}"),
            Target::OffBoard => "off the board (remove the task)".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub message: String,
    /// The instance the message is about, to show it on that card.
    pub instance: Option<String>,
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormState {
    pub original: Option<String>,
    pub form: ServiceForm,
    /// Beside each field: the core's error from the last save, or why its
    /// text is no number.
    pub errors: Vec<(String, String)>,
    /// The fields whose text is no number: the form cannot be saved until
    /// they are mended.
    pub unreadable: Vec<&'static str>,
}

/// How many plans undo remembers.
const HISTORY: usize = 200;

#[derive(Clone, Copy)]
pub struct Store {
    pub plan: RwSignal<Plan>,
    pub history: RwSignal<History<Plan>>,
    pub notice: RwSignal<Option<Notice>>,
    pub picked: RwSignal<Option<Payload>>,
    pub target: RwSignal<usize>,
    pub announce: RwSignal<String>,
    pub editing: RwSignal<Option<FormState>>,
    /// True while the board shows a simulation step rather than the plan.
    pub viewing_step: RwSignal<bool>,
    pub exchange: RwSignal<crate::exchange_module::Status>,
    pub placer: StoredValue<Placer>,
    /// True while a walkthrough shows its own plans: the user's plan and
    /// history wait in `kept`, and nothing is autosaved.
    pub walking: RwSignal<bool>,
    kept: StoredValue<Option<(Plan, History<Plan>)>>,
}

impl Store {
    pub fn new(plan: Plan) -> Store {
        Store {
            plan: RwSignal::new(plan),
            history: RwSignal::new(History::new(HISTORY)),
            notice: RwSignal::new(None),
            picked: RwSignal::new(None),
            target: RwSignal::new(0),
            announce: RwSignal::new(String::new()),
            editing: RwSignal::new(None),
            viewing_step: RwSignal::new(false),
            exchange: RwSignal::new(crate::exchange_module::Status::Loading),
            placer: StoredValue::new(Placer::default()),
            walking: RwSignal::new(false),
            kept: StoredValue::new(None),
        }
    }

    /// Sends an edit to the core; on refusal the plan stays exactly as it was.
    pub fn dispatch(&self, edit: Edit) -> Result<(), EditError> {
        if self.viewing_step.get_untracked() {
            let message =
                "The board is showing a simulation: choose \"back to the plan\" to edit the plan."
                    .to_string();
            self.notice.set(Some(Notice {
                message: message.clone(),
                instance: None,
                ok: false,
            }));
            return Err(EditError {
                message,
                instance: None,
                reason: None,
                fields: Vec::new(),
            });
        }
        let result = self
            .placer
            .try_update_value(|placer| self.plan.with_untracked(|p| apply_with(placer, p, &edit)))
            .unwrap_or_else(|| self.plan.with_untracked(|p| apply(p, &edit)));
        match result {
            Ok(next) => {
                // A parameter's other fields moved with the edited one: said.
                let moved = self.plan.with_untracked(|p| moved_together(p, &next));
                self.replace(next);
                self.notice.set((!moved.is_empty()).then(|| Notice {
                    message: moved.join(" "),
                    instance: None,
                    ok: true,
                }));
                Ok(())
            }
            Err(e) => {
                self.notice.set(Some(Notice {
                    message: e.message.clone(),
                    instance: e.instance.clone(),
                    ok: false,
                }));
                self.announce.set(e.message.clone());
                Err(e)
            }
        }
    }

    /// The placement of `plan`, through the store's memo of the last plan placed.
    pub fn place(&self, plan: &Plan) -> Placement {
        self.placer
            .try_update_value(|placer| placer.place(plan))
            .unwrap_or_else(|| berth_core::place(plan))
    }

    /// Makes `next` the plan, remembering the current one for undo.
    pub fn replace(&self, next: Plan) {
        if self.plan.with_untracked(|p| *p == next) {
            return;
        }
        let previous = self.plan.get_untracked();
        self.history.update(|h| h.record(previous));
        self.plan.set(next);
    }

    /// Shows a walkthrough's `plan`. The first time, the user's plan and its
    /// undo history are kept aside, untouched, until [`Self::leave_walkthrough`].
    pub fn show_walkthrough_plan(&self, plan: Plan) {
        if !self.walking.get_untracked() {
            let kept = (self.plan.get_untracked(), self.history.get_untracked());
            self.kept.set_value(Some(kept));
            self.walking.set(true);
        }
        self.plan.set(plan);
    }

    /// Back from a walkthrough: the user's plan and history exactly as they
    /// were; with `copy`, the plan on screen then replaces it as one
    /// undoable edit.
    pub fn leave_walkthrough(&self, copy: bool) {
        let shown = self.plan.get_untracked();
        if let Some((plan, history)) = self.kept.try_update_value(Option::take).flatten() {
            self.history.set(history);
            self.plan.set(plan);
        }
        self.walking.set(false);
        if copy {
            self.replace(shown);
        }
    }

    pub fn undo(&self) {
        let current = self.plan.get_untracked();
        if let Some(previous) = self.history.try_update(|h| h.undo(current)).flatten() {
            self.plan.set(previous);
            self.announce.set("Undone.".into());
        }
    }

    pub fn redo(&self) {
        let current = self.plan.get_untracked();
        if let Some(next) = self.history.try_update(|h| h.redo(current)).flatten() {
            self.plan.set(next);
            self.announce.set("Redone.".into());
        }
    }

    /// Drops a payload on a target.
    pub fn drop_on(&self, payload: &Payload, target: &Target) {
        let edit = match (payload, target) {
            (Payload::Service { service }, Target::Group(g)) => Edit::DropOnGroup {
                service: service.clone(),
                group: g.clone(),
            },
            (Payload::Service { service }, Target::Instance(i)) => Edit::DropOnInstance {
                service: service.clone(),
                instance: i.clone(),
            },
            (Payload::Task { service, instance }, Target::Instance(i)) => Edit::MoveTask {
                service: service.clone(),
                from: instance.clone(),
                to: i.clone(),
            },
            (Payload::Task { service, instance }, Target::OffBoard) => Edit::RemoveTask {
                service: service.clone(),
                instance: instance.clone(),
            },
            (Payload::Task { .. }, Target::Group(_)) => {
                self.notice.set(Some(Notice {
                    message: "Drop a task on an instance to move it there.".into(),
                    instance: None,
                    ok: false,
                }));
                return;
            }
            (Payload::Service { .. }, Target::OffBoard) => return,
        };
        if self.dispatch(edit).is_ok() {
            self.announce.set(format!(
                "{} placed on {}.",
                payload.service(),
                target.describe()
            ));
        }
    }
}

pub fn use_store() -> Store {
    expect_context::<Store>()
}
