//! The board: instance groups and their container instances, each a card
//! with its memory and CPU bars, task chips and port map (`instance`,
//! `chips`, `ports`). Groups and instances are drop targets.
//!
//! Groups are keyed by their header and instances by the core's
//! `content_hash`, so a change redraws only the cards whose picture changed
//! (issue 8: one drag on 500 instances must not rebuild 500 cards); only the
//! cards near the viewport are drawn at all (`window`, issue 21).

mod chips;
mod instance;
mod ports;
mod window;

use berth_core::app::view::{Board as BoardView, GroupHeader};
use leptos::html::Div;
use leptos::prelude::*;

use crate::dnd::{kbd_target, DropZone};
use crate::format::mib;
use crate::store::Target;
use window::{columns_of, Chunk, Cut};

#[component]
pub fn Board() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let heads = move || vm.with(|b| b.groups.iter().map(|g| g.header()).collect::<Vec<_>>());
    view! {
        <section class="board" aria-label="Cluster board">
            <BarLegend />
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

/// What every mark on an instance's memory bar means, once for the board.
#[component]
fn BarLegend() -> impl IntoView {
    view! {
        <p class="bar-legend" data-testid="bar-legend">
            <span class="key system"></span>
            "kept by the system "
            <span class="key reserved"></span>
            "a task's reservation "
            <span class="key bracket"></span>
            "its hard limit "
            <span class="key bracket past"></span>
            "a hard limit running past the bar's end "
            <span class="key free"></span>
            "free"
        </p>
    }
}

#[component]
fn GroupSection(head: GroupHeader) -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let name = head.name.clone();
    let zone = DropZone::new(Target::Group(name.clone()), false);
    let kbd = kbd_target(Target::Group(name.clone()));
    let cards = {
        let name = name.clone();
        Memo::new(move |_| {
            vm.with(|b| {
                b.groups
                    .iter()
                    .find(|g| g.name == name)
                    .map_or(0, |g| g.instances.len())
            })
        })
    };
    // The columns the stylesheet gives the grid now (owned here: every chunk
    // of the group is cut to whole rows of them). Measured once drawn and
    // again when the window is resized.
    let grid = NodeRef::<Div>::new();
    let cut = RwSignal::new(None::<Cut>);
    let measure = move || {
        if let Some(el) = grid.get_untracked() {
            let next = Some(Cut::new(columns_of(&el)));
            if cut.get_untracked() != next {
                cut.set(next);
            }
        }
    };
    Effect::new(move |_| {
        if grid.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let chunks = move || {
        cut.get()
            .map(|c| {
                (0..c.chunks(cards.get()))
                    .map(|i| (i, c))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let chunk = {
        let name = name.clone();
        move |(index, cut): (usize, Cut)| {
            view! { <Chunk group=name.clone() index=index cut=cut cards=cards /> }
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
                {(head.architecture == "arm64")
                    .then(|| {
                        view! {
                            <span
                                class="tag arm"
                                data-testid="arm64"
                                title="arm64: its images must be built for arm64"
                            >
                                "arm64"
                            </span>
                        }
                    })}
                {head
                    .burstable
                    .then(|| {
                        view! {
                            <span
                                class="tag burst"
                                data-testid="burstable"
                                title="burstable: CPU above its baseline spends credits"
                            >
                                "burstable"
                            </span>
                        }
                    })}
                <span class="muted">{sizes}</span>
                <span class="drop-hint">"Drop a service here to add a task"</span>
            </header>
            <div class="instances">
                <div class="grid-probe" node_ref=grid aria-hidden="true"></div>
                <For each=chunks key=|pair| *pair children=chunk />
            </div>
        </section>
    }
}
