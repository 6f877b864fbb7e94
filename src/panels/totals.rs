//! The top bar's totals: instances, CPU units, memory reserved, kept by the
//! system and free, unplaced tasks, and the monthly on-demand cost.

use berth_core::app::view::Board as BoardView;
use leptos::prelude::*;

use crate::format::mib;

/// Cluster totals and cost, kept in view in the top bar.
#[component]
pub fn TotalsBar() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    view! {
        <dl class="totals" data-testid="totals">
            {move || {
                let t = vm.with(|b| b.totals.clone());
                let any_unplaced = t.unplaced_tasks > 0;
                view! {
                    <div>
                        <dt>"instances"</dt>
                        <dd>{t.instances}</dd>
                    </div>
                    <div>
                        <dt>"CPU units"</dt>
                        <dd>{format!("{} / {}", t.cpu_reserved, t.cpu_units)}</dd>
                    </div>
                    <div>
                        <dt>"memory reserved"</dt>
                        <dd>
                            {format!("{} / {}", mib(t.memory_reserved), mib(t.memory_registered))}
                        </dd>
                    </div>
                    <div>
                        <dt>"kept by system"</dt>
                        <dd>{mib(t.memory_system)}</dd>
                    </div>
                    <div>
                        <dt>"free"</dt>
                        <dd>{mib(t.memory_free)}</dd>
                    </div>
                    <div>
                        <dt>"tasks"</dt>
                        <dd data-testid="tasks-placed">{t.tasks_placed}</dd>
                    </div>
                    <div>
                        <dt>"unplaced"</dt>
                        <dd class:bad=any_unplaced>{t.unplaced_tasks}</dd>
                    </div>
                    <div>
                        <dt>"on-demand / month"</dt>
                        <dd data-testid="monthly-cost">{format!("${:.2}", t.monthly_cost)}</dd>
                    </div>
                }
            }}
        </dl>
    }
}
