//! Drag and drop, by mouse, by keyboard and by tap (tap a service card or
//! a task, then tap a group or an instance). A drag carries a [`Payload`]
//! (a service from the palette, or a task from an instance) to a
//! [`Target`] (a group, an instance, or off the board); either way it ends
//! in [`Store::drop_on`], which sends the core its edit.
//!
//! Who owns what: each [`DropZone`] owns its "something is over me" signal;
//! the store owns what the keyboard has picked up and which target it is on.

use berth_core::app::view::Board;
use leptos::attr::Attribute;
use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::prelude::*;

use crate::store::{use_store, Payload, Store, Target};

/// The payload a drop carries, if it is one of Berth's.
pub fn payload_of(ev: &DragEvent) -> Option<Payload> {
    ev.data_transfer()
        .and_then(|dt| dt.get_data("text/plain").ok())
        .and_then(|t| Payload::decode(&t))
}

/// Puts `payload` on a drag that starts.
pub fn start_drag(ev: &DragEvent, payload: &Payload) {
    if let Some(dt) = ev.data_transfer() {
        let _ = dt.set_data("text/plain", &payload.encode());
        dt.set_effect_allowed("move");
    }
}

/// One place things can be dropped: it marks itself while a drag is over
/// it and hands a drop to the store. `nested` zones (an instance inside its
/// group) keep the drag from reaching the zone around them.
#[derive(Clone, Copy)]
pub struct DropZone {
    store: Store,
    target: StoredValue<Target>,
    over: RwSignal<bool>,
    nested: bool,
}

impl DropZone {
    /// A zone for drops on `target`.
    pub fn new(target: Target, nested: bool) -> DropZone {
        DropZone {
            store: use_store(),
            target: StoredValue::new(target),
            over: RwSignal::new(false),
            nested,
        }
    }

    /// Whether a drag is over the zone now (for its `drag-over` class).
    pub fn is_over(self) -> bool {
        self.over.get()
    }

    /// Everything an element needs to be this zone (its `drag-over` class and
    /// the three drag events), to spread onto it: `<section {..zone.attrs()}>`.
    pub fn attrs(self) -> impl Attribute {
        view! {
            <{..}
                class:drag-over=move || self.is_over()
                on:dragover=move |ev| self.drag_over(ev)
                on:dragleave=move |_| self.drag_leave()
                on:drop=move |ev| self.dropped(ev)
                on:click=move |ev| self.tapped(ev)
            />
        }
    }

    /// A tap (click) while something is picked up: drop it here. The
    /// innermost zone takes it; with nothing picked up a tap is just a tap.
    pub fn tapped(self, ev: leptos::ev::MouseEvent) {
        let Some(p) = self.store.picked.get_untracked() else {
            return;
        };
        if on_control(&ev) {
            return;
        }
        ev.stop_propagation();
        self.store.picked.set(None);
        self.target
            .with_value(|target| self.store.drop_on(&p, target));
    }

    /// `dragover`: accept the drop, and say so.
    pub fn drag_over(self, ev: DragEvent) {
        ev.prevent_default();
        if self.nested {
            ev.stop_propagation();
        }
        self.over.set(true);
    }

    /// `dragleave`.
    pub fn drag_leave(self) {
        self.over.set(false);
    }

    /// `drop`: the payload goes to the store, which edits the plan.
    pub fn dropped(self, ev: DragEvent) {
        ev.prevent_default();
        if self.nested {
            ev.stop_propagation();
        }
        self.over.set(false);
        if let Some(p) = payload_of(&ev) {
            self.target
                .with_value(|target| self.store.drop_on(&p, target));
        }
    }
}

/// Every drop target in board order, for the keyboard drag.
pub fn targets(b: &Board, with_off_board: bool) -> Vec<Target> {
    let mut t = Vec::new();
    for g in &b.groups {
        t.push(Target::Group(g.name.clone()));
        for i in &g.instances {
            t.push(Target::Instance(i.id.clone()));
        }
    }
    if with_off_board {
        t.push(Target::OffBoard);
    }
    t
}

/// The keyboard drag's current target, if something is picked up. One memo
/// for the board (owned by the App), so an arrow key lists the targets once,
/// not once per card.
#[derive(Clone, Copy)]
pub struct KbdTarget(pub Memo<Option<Target>>);

/// Makes the board's [`KbdTarget`] from what the store has picked up.
pub fn provide_kbd_target(store: Store, vm: Memo<Board>) {
    provide_context(KbdTarget(Memo::new(move |_| {
        let task = store
            .picked
            .with(|p| p.as_ref().map(|p| matches!(p, Payload::Task { .. })))?;
        let index = store.target.get();
        vm.with(|b| targets(b, task).get(index).cloned())
    })));
}

/// A closure telling whether `me` is the keyboard drag's current target.
pub fn kbd_target(me: Target) -> impl Fn() -> bool + Send + Sync + Copy + 'static {
    let KbdTarget(current) = expect_context::<KbdTarget>();
    let me = StoredValue::new(me);
    move || current.with(|t| me.with_value(|me| t.as_ref() == Some(me)))
}

/// Whether a click was on a control (a button, link, field or summary)
/// inside a card: that click does what the control does, not a pick.
pub fn on_control(ev: &leptos::ev::MouseEvent) -> bool {
    ev.target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .and_then(|el| el.closest("button, a, input, select, summary, label").ok())
        .flatten()
        .is_some()
}

/// Picks up `payload` by tap: a second tap on what is picked up puts it
/// back. The tap goes no further (the zone around would take it as a drop).
pub fn tap_pick(store: Store, payload: Payload, ev: &leptos::ev::MouseEvent) {
    if store.picked.get_untracked().is_some_and(|p| p == payload) {
        ev.stop_propagation();
        store.picked.set(None);
        store.announce.set("Put back.".into());
    } else if store.picked.get_untracked().is_none() {
        ev.stop_propagation();
        pick_up(store, payload);
    }
}

/// What is picked up, in words, for the banner that says how to place it.
pub fn placing(payload: &Payload) -> String {
    match payload {
        Payload::Service { service } => {
            format!("Placing a {service} task: tap a group or an instance.")
        }
        Payload::Task { service, instance } => {
            format!("Moving a {service} task from {instance}: tap another instance, or the services panel to take it off.")
        }
    }
}

/// Picks up `payload` from the keyboard (Enter or Space on a card or chip)
/// or a tap.
pub fn pick_up(store: Store, payload: Payload) {
    store.announce.set(match &payload {
        Payload::Service { service } => format!(
            "Picked up {service}. Arrow keys choose a group or instance, Enter drops, Escape \
             cancels."
        ),
        Payload::Task { service, .. } => format!(
            "Picked up a {service} task. Arrow keys choose an instance, Enter drops, Escape \
             cancels."
        ),
    });
    store.picked.set(Some(payload));
    store.target.set(0);
}

/// The keyboard drag, while something is picked up: arrows choose a target,
/// Enter or Space drops, Escape cancels.
pub fn keyboard_drag(store: Store, vm: Memo<Board>, ev: &KeyboardEvent) {
    let Some(payload) = store.picked.get_untracked() else {
        return;
    };
    let list = targets(&vm.get_untracked(), matches!(payload, Payload::Task { .. }));
    if list.is_empty() {
        return;
    }
    let n = list.len();
    let cur = store.target.get_untracked().min(n - 1);
    let next = match ev.key().as_str() {
        "ArrowDown" | "ArrowRight" => (cur + 1) % n,
        "ArrowUp" | "ArrowLeft" => (cur + n - 1) % n,
        "Enter" | " " => {
            ev.prevent_default();
            store.picked.set(None);
            store.drop_on(&payload, &list[cur]);
            return;
        }
        "Escape" => {
            store.picked.set(None);
            store.announce.set("Drag cancelled.".into());
            return;
        }
        _ => return,
    };
    ev.prevent_default();
    store.target.set(next);
    store.announce.set(format!(
        "Target: {}. Press Enter to drop, Escape to cancel.",
        list[next].describe()
    ));
}
