//! The root component: owns the plan and derives the board from it.

use berth_core::view::{board, Board};
use berth_core::{load_plan, place, Plan};
use leptos::prelude::*;

use crate::cards::{GroupCards, InstanceList, ServiceCards, Totals};

/// The example plan users see first: the seed's microtrader cluster.
const EXAMPLE_PLAN: &str = include_str!("../public/examples/microtrader.json");

#[component]
pub fn App() -> impl IntoView {
    // Owned here, for the whole page: the plan the user is editing. Every
    // other value on the page is derived from it through berth-core.
    let plan: RwSignal<Result<Plan, String>> =
        RwSignal::new(load_plan(EXAMPLE_PLAN).map_err(|e| format!("example plan: {e}")));
    let view_model = Memo::new(move |_| {
        plan.with(|p| {
            p.as_ref()
                .map(|p| {
                    let placement = place(p);
                    (
                        board(p, &placement),
                        berth_core::report::place_report(p, &placement),
                    )
                })
                .map_err(Clone::clone)
        })
    });

    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"⚓"</span>
                <span class="name">"Berth"</span>
                <span class="tagline">"ECS on EC2 planner — will it fit, and will it deploy?"</span>
            </div>
        </header>
        <main class="page">
            {move || match view_model.get() {
                Err(message) => view! { <p class="error-banner" role="alert">{message}</p> }.into_any(),
                Ok((b, report)) => page(b, report).into_any(),
            }}
        </main>
    }
}

fn page(b: Board, report: berth_core::report::PlaceReport) -> impl IntoView {
    view! {
        <section class="plan-head">
            <h1>{b.plan_name.clone()}</h1>
            <p class="muted">"cluster " <code>{b.cluster_name.clone()}</code></p>
        </section>
        <Totals board=b.clone()/>
        <section aria-labelledby="groups-h">
            <h2 id="groups-h">"Instance groups"</h2>
            <GroupCards groups=b.groups.clone()/>
        </section>
        <section aria-labelledby="services-h">
            <h2 id="services-h">"Services"</h2>
            <ServiceCards services=b.services.clone()/>
        </section>
        <section aria-labelledby="instances-h">
            <h2 id="instances-h">"Container instances"</h2>
            <InstanceList report=report/>
        </section>
    }
}
