//! Tasks waiting to be placed, with ECS's reason.

use berth_core::app::view::Board as BoardView;
use leptos::prelude::*;

#[component]
pub fn Tray() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    view! {
        <section class="panel tray" aria-labelledby="tray-h" data-testid="tray">
            <h2 id="tray-h">
                {move || {
                    format!("Waiting to be placed · {}", vm.with(|b| b.totals.unplaced_tasks))
                }}
            </h2>
            {move || {
                let list = vm.with(|b| b.unplaced.clone());
                if list.is_empty() {
                    view! { <p class="muted">"Every task has a place."</p> }.into_any()
                } else {
                    view! {
                        <ul class="unplaced">
                            {list
                                .into_iter()
                                .map(|u| {
                                    view! {
                                        <li
                                            class=format!("svc-{}", u.colour)
                                            data-testid="unplaced"
                                        >
                                            <strong>{format!("{} × {}", u.count, u.label)}</strong>
                                            <code>{u.reason.clone()}</code>
                                            <p>{u.message.clone()}</p>
                                            {u
                                                .detail
                                                .clone()
                                                .map(|d| {
                                                    view! {
                                                        <p class="detail" data-testid="unplaced-detail">
                                                            {d}
                                                        </p>
                                                    }
                                                })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
