//! The board: instance groups and their container instances, each a card
//! with its memory and CPU bars, task chips and port map (`instance`,
//! `chips`, `ports`). Groups and instances are drop targets.
//!
//! Groups are keyed by their header and instances by the core's
//! `content_hash`, so a change redraws only the cards whose picture changed
//! (issue 8: one drag on 500 instances must not rebuild 500 cards).

mod chips;
mod instance;
mod ports;

use berth_core::app::view::{Board as BoardView, GroupHeader};
use leptos::prelude::*;

use crate::dnd::{kbd_target, DropZone};
use crate::format::mib;
use crate::store::Target;
use instance::InstanceCard;

#[component]
pub fn Board() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let heads = move || vm.with(|b| b.groups.iter().map(|g| g.header()).collect::<Vec<_>>());
    view! {
        <section class="board" aria-label="Cluster board">
            <Show when=move || vm.with(|b| b.groups.is_empty())>
                <p class="empty">
                    "No instance groups yet. Add one from the catalogue on the left."
                </p>
            </Show>
            <For each=heads key=|head| head.clone() let:head>
                <GroupSection head=head />
            </For>
        </section>
    }
}

/// (instance id, content hash) of the group's instances: a card is rebuilt
/// only when its pair changes.
fn card_keys(vm: Memo<BoardView>, group: &str) -> Vec<(String, u64)> {
    vm.with(|b| {
        b.groups
            .iter()
            .find(|g| g.name == group)
            .map(|g| {
                g.instances
                    .iter()
                    .map(|i| (i.id.clone(), i.content_hash()))
                    .collect()
            })
            .unwrap_or_default()
    })
}

#[component]
fn GroupSection(head: GroupHeader) -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let name = head.name.clone();
    let zone = DropZone::new(Target::Group(name.clone()), false);
    let kbd = kbd_target(vm, Target::Group(name.clone()));
    let cards = {
        let name = name.clone();
        move || card_keys(vm, &name)
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
            inst.map(|i| view! { <InstanceCard inst=i /> })
        }
    };
    let estimated = if head.memory_estimated {
        " (estimated)"
    } else {
        ""
    };
    let sizes = format!(
        "{} vCPU · {} CPU units · {} registered{estimated}",
        head.vcpu,
        head.cpu_units,
        mib(head.registered_memory as u64)
    );
    view! {
        <section
            class="group"
            {..zone.attrs()}
            class:kbd-target=kbd
            data-testid="group"
            data-group=name.clone()
        >
            <header class="group-head">
                <h2>{name.clone()}</h2>
                <span class="pill mono">{format!("{} × {}", head.count, head.instance_type)}</span>
                <span class="muted">{sizes}</span>
                <span class="drop-hint">"Drop a service here to add a task"</span>
            </header>
            <div class="instances">
                <For each=cards key=|pair| pair.clone() children=card />
            </div>
        </section>
    }
}
