//! Compare, for a design review: pin the plan as a baseline (kept with the
//! plan, so a reload or a share link keeps it), then see what changed field
//! by field, which tasks moved, the totals and cost; and print the review.

use berth_core::app::compare::{compare_boards, PlanChange, Row};
use berth_core::app::edit::Edit;
use berth_core::app::report::check_report_with;
use berth_core::app::view::{board, board_with};
use leptos::prelude::*;

use crate::store::use_store;

/// The plan's changes as a table: what, which field, before and after.
#[component]
fn Changes(changes: Vec<PlanChange>) -> impl IntoView {
    let unchanged = changes.is_empty();
    let rows = changes
        .into_iter()
        .map(|c| {
            view! {
                <tr data-testid="plan-change">
                    <td>{c.subject}</td>
                    <td class="mono">{c.field}</td>
                    <td class="mono">{c.before}</td>
                    <td class="mono">{c.after}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>"What changed in the plan"</h3>
        <Show
            when=move || !unchanged
            fallback=|| view! { <p class="muted">"The plan itself is as pinned."</p> }
        >
            <table class="diff changes" data-testid="plan-changes">
                <thead>
                    <tr>
                        <th>"what"</th>
                        <th>"field"</th>
                        <th>"baseline"</th>
                        <th>"now"</th>
                    </tr>
                </thead>
                <tbody>{rows.clone()}</tbody>
            </table>
        </Show>
    }
}

/// What `berth check` finds in the plan, for the review: code, where, and
/// what is wrong, errors first.
#[component]
fn Findings() -> impl IntoView {
    let store = use_store();
    let findings = Memo::new(move |_| {
        store
            .plan
            .with(|p| check_report_with(p, &store.place(p)).findings)
    });
    view! {
        <h3>"Findings"</h3>
        <ul class="findings" data-testid="findings">
            {move || {
                findings
                    .get()
                    .into_iter()
                    .map(|f| {
                        let severity = format!("{:?}", f.severity).to_lowercase();
                        view! {
                            <li class=severity.clone() data-testid="finding">
                                <span class="mono">{f.code}</span>
                                " "
                                <span class="muted mono">{f.path}</span>
                                " "
                                {f.message}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// A figure in its unit: "$16.94", "995 MiB", "2".
fn fmt(v: f64, unit: &str) -> String {
    match unit {
        "$" => format!("${v:.2}"),
        "MiB" => format!("{v:.0} MiB"),
        _ => format!("{v:.0}"),
    }
}

/// The totals and cost, baseline against now.
#[component]
fn Totals(rows: Vec<Row>) -> impl IntoView {
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
                {rows
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
    }
}

/// Opens the browser's print dialog: the page's print style leaves the
/// board, the comparison, the findings and the cost.
fn print_review() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

#[component]
pub fn ComparePanel() -> impl IntoView {
    let store = use_store();
    // The baseline lives in the plan (pinned and cleared by edits, so undo
    // and autosave follow it); this panel only reads it.
    let pinned = move || store.plan.with(|p| p.baseline.is_some());
    // The baseline and its board change only when it is pinned again, not
    // with every edit: each memo passes a change on only when its value does.
    let baseline = Memo::new(move |_| store.plan.with(|p| p.baseline.clone()));
    let baseline_board =
        Memo::new(move |_| baseline.with(|b| b.as_deref().map(|b| (b.clone(), board(b)))));
    let diff = Memo::new(move |_| {
        baseline_board.with(|base| {
            let (b, was) = base.as_ref()?;
            store.plan.with(|p| {
                let now = board_with(p, &store.place(p));
                Some(compare_boards((b, was), (p, &now)))
            })
        })
    });
    view! {
        <section class="panel compare" aria-labelledby="compare-h" data-testid="compare">
            <div class="panel-head">
                <h2 id="compare-h">"Compare with a baseline"</h2>
                <div>
                    <button
                        class="small"
                        data-testid="pin-baseline"
                        on:click=move |_| {
                            let _ = store.dispatch(Edit::PinBaseline);
                        }
                    >
                        "Pin current plan as baseline"
                    </button>
                    <button
                        class="small"
                        data-testid="print-review"
                        on:click=move |_| print_review()
                    >
                        "Print review"
                    </button>
                    {move || {
                        pinned()
                            .then(|| {
                                view! {
                                    <button
                                        class="link"
                                        data-testid="clear-baseline"
                                        on:click=move |_| {
                                            let _ = store.dispatch(Edit::ClearBaseline);
                                        }
                                    >
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
                        <Totals rows=c.rows.clone() />
                        {(!c.no_longer_fit.is_empty())
                            .then(|| {
                                view! {
                                    <p class="bad" data-testid="no-longer-fit">
                                        {format!("No longer fit: {}", c.no_longer_fit.join(", "))}
                                    </p>
                                }
                            })}
                        {(!c.moves.is_empty())
                            .then(|| {
                                view! {
                                    <p data-testid="moves">
                                        {format!("Moved: {}", c.moves.join("; "))}
                                    </p>
                                }
                            })}
                        <Changes changes=c.changes.clone() />
                        <Findings />
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
