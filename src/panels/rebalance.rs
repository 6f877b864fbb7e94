//! "Re-balance" (issue 21): the board keeps every task where it runs, as
//! ECS does; this places them all afresh, after listing which would move.
//!
//! Who owns what: the preview is this panel's, shown until the user applies
//! or cancels it, or the plan changes under it (a preview is of one plan).

use berth_core::app::edit::{rebalance_preview, Edit, RebalancePreview, TaskMove};
use leptos::prelude::*;

use crate::store::{use_store, Notice};

/// Moves listed before "… and N more".
const LISTED: usize = 40;

#[component]
pub fn Rebalance() -> impl IntoView {
    let store = use_store();
    let preview: RwSignal<Option<RebalancePreview>> = RwSignal::new(None);
    Effect::new(move |_| {
        store.plan.track();
        preview.set(None);
    });
    let show = move |_| {
        let p = store
            .placer
            .try_update_value(|placer| store.plan.with_untracked(|p| rebalance_preview(placer, p)));
        preview.set(p);
    };
    let apply = move |_| {
        let moved = preview.with_untracked(|p| p.as_ref().map_or(0, |p| p.moves.len()));
        if store.dispatch(Edit::Rebalance).is_ok() {
            let message = format!(
                "Re-balanced: {moved} {} placed afresh. Undo brings the board back.",
                if moved == 1 { "task" } else { "tasks" }
            );
            store.announce.set(message.clone());
            store.notice.set(Some(Notice {
                message,
                instance: None,
                ok: true,
            }));
        }
        preview.set(None);
    };
    view! {
        <div class="rebalance" data-testid="rebalance">
            <div class="rebalance-bar">
                <button
                    class="small"
                    data-testid="rebalance-show"
                    prop:disabled=move || store.viewing_step.get()
                    on:click=show
                >
                    "Re-balance…"
                </button>
                <span class="muted">
                    "Tasks stay where they run, as in ECS. Re-balancing places every task afresh \
                     (tasks you pinned to an instance stay)."
                </span>
            </div>
            {move || { preview.get().map(|p| moves_view(p, apply, move || preview.set(None))) }}
        </div>
    }
}

fn moves_view(
    p: RebalancePreview,
    apply: impl Fn(leptos::ev::MouseEvent) + 'static,
    cancel: impl Fn() + Copy + 'static,
) -> impl IntoView {
    if p.moves.is_empty() {
        return view! {
            <div class="rebalance-preview" data-testid="rebalance-preview">
                <p data-testid="rebalance-none">
                    "Nothing would move: every task already runs where ECS would place it afresh."
                </p>
                <button class="small" on:click=move |_| cancel()>
                    "Close"
                </button>
            </div>
        }
        .into_any();
    }
    let n = p.moves.len();
    let more = n.saturating_sub(LISTED);
    let heading = format!(
        "{n} {} would be placed elsewhere:",
        if n == 1 { "task" } else { "tasks" }
    );
    view! {
        <div class="rebalance-preview" data-testid="rebalance-preview">
            <p>{heading}</p>
            <ul class="moves" data-testid="rebalance-moves">
                {p
                    .moves
                    .iter()
                    .take(LISTED)
                    .map(|m| view! { <li>{describe(m)}</li> })
                    .collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="muted">{format!("… and {more} more")}</p> })}
            <div class="card-actions">
                <button class="small" data-testid="rebalance-apply" on:click=apply>
                    "Apply re-balance"
                </button>
                <button class="small" on:click=move |_| cancel()>
                    "Cancel"
                </button>
            </div>
        </div>
    }
    .into_any()
}

fn describe(m: &TaskMove) -> String {
    match (&m.from, &m.to) {
        (Some(from), Some(to)) => format!("{}: {from} → {to}", m.service),
        (None, Some(to)) => format!("{}: starts on {to} (waiting now)", m.service),
        (Some(from), None) => format!("{}: leaves {from} and could not be placed", m.service),
        (None, None) => m.service.clone(),
    }
}
