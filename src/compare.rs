//! Compare: pin the plan as a baseline, then see what the edits since changed.

use berth_core::app::compare::compare;
use berth_core::Plan;
use leptos::prelude::*;

use crate::store::use_store;

#[component]
pub fn ComparePanel() -> impl IntoView {
    let store = use_store();
    // Owned here: the baseline the user pinned, if any.
    let baseline: RwSignal<Option<Plan>> = RwSignal::new(None);
    let diff = Memo::new(move |_| {
        baseline.with(|b| b.as_ref().map(|b| store.plan.with(|p| compare(b, p))))
    });
    let fmt = |v: f64, unit: &str| match unit {
        "$" => format!("${v:.2}"),
        "MiB" => format!("{v:.0} MiB"),
        _ => format!("{v:.0}"),
    };
    view! {
        <section class="panel compare" aria-labelledby="compare-h" data-testid="compare">
            <div class="panel-head">
                <h2 id="compare-h">"Compare with a baseline"</h2>
                <div>
                    <button
                        class="small"
                        data-testid="pin-baseline"
                        on:click=move |_| baseline.set(Some(store.plan.get_untracked()))
                    >
                        "Pin current plan as baseline"
                    </button>
                    {move || {
                        baseline
                            .with(Option::is_some)
                            .then(|| {
                                view! {
                                    <button class="link" on:click=move |_| baseline.set(None)>
                                        "clear"
                                    </button>
                                }
                            })
                    }}
                </div>
            </div>
            {move || match diff.get() {
                None => {
                    view! {
                        <p class="muted">
                            "Pin the plan, make changes, and see the difference here."
                        </p>
                    }
                        .into_any()
                }
                Some(c) => {
                    view! {
                        <table class="diff" data-testid="diff">
                            <thead>
                                <tr>
                                    <th></th>
                                    <th>"baseline"</th>
                                    <th>"now"</th>
                                    <th>"change"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {c
                                    .rows
                                    .iter()
                                    .map(|r| {
                                        let d = r.delta();
                                        let sign = if d > 0.0 { "+" } else { "-" };
                                        view! {
                                            <tr class:changed=d != 0.0>
                                                <td>{r.label.clone()}</td>
                                                <td>{fmt(r.baseline, r.unit)}</td>
                                                <td>{fmt(r.current, r.unit)}</td>
                                                <td class="mono">
                                                    {if d == 0.0 {
                                                        "—".to_string()
                                                    } else {
                                                        format!("{sign}{}", fmt(d.abs(), r.unit))
                                                    }}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                        {(!c.no_longer_fit.is_empty())
                            .then(|| {
                                view! {
                                    <p class="bad" data-testid="no-longer-fit">
                                        {format!("No longer fit: {}", c.no_longer_fit.join(", "))}
                                    </p>
                                }
                            })}
                        {(!c.fit_again.is_empty())
                            .then(|| {
                                view! {
                                    <p class="ok-text">
                                        {format!("Fit again: {}", c.fit_again.join(", "))}
                                    </p>
                                }
                            })}
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
