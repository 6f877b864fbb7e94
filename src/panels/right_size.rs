//! Right-sizing (issue 18): the user's limits, a search the core runs one
//! trial step at a time between frames (progress shown, cancellable), and
//! its answer: the review's sentence, the candidates to apply (undoable) or
//! pin as the comparison baseline, why cheaper types were rejected, and
//! the chart of cost against type. Every number comes from the core.

use std::sync::Arc;

use berth_core::app::edit::Edit;
use berth_core::recommend::{
    cheaper_types, deployments_in_words, plan_architecture, summary, Candidate, Headroom, Options,
    Recommendation, Search,
};
use berth_core::Plan;
use leptos::prelude::*;

use crate::store::{use_store, Notice, Store};

/// How long one frame's share of the search may run, in milliseconds: the
/// page keeps drawing (and takes clicks, such as "cancel") between shares.
const SLICE_MS: f64 = 10.0;
/// How many types the chart shows, cheapest per instance first.
const CHART_TYPES: usize = 16;
/// How many cheaper types the panel says were rejected, and why.
const CHEAPER_SHOWN: usize = 8;

/// The form as typed. Owned by the panel.
#[derive(Clone, Copy)]
struct Limits {
    /// "" follows the plan's runtimePlatform.
    arch: RwSignal<String>,
    deploy_headroom: RwSignal<bool>,
    max_instances: RwSignal<String>,
    families: RwSignal<String>,
    min_generation: RwSignal<String>,
    burstable: RwSignal<bool>,
    /// "" sets no limit.
    overcommit: RwSignal<String>,
}

impl Limits {
    fn new() -> Limits {
        Limits {
            arch: RwSignal::new(String::new()),
            deploy_headroom: RwSignal::new(true),
            max_instances: RwSignal::new("10".into()),
            families: RwSignal::new(String::new()),
            min_generation: RwSignal::new(String::new()),
            burstable: RwSignal::new(true),
            overcommit: RwSignal::new(String::new()),
        }
    }

    /// The core's options, or which field is wrong and how.
    fn options(self) -> Result<Options, String> {
        let whole = |s: RwSignal<String>, field: &str, min: u32, max: u32| {
            let text = s.get_untracked();
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .map(Some)
                .ok_or_else(|| {
                    format!("{field}: \"{text}\" is not a whole number from {min} to {max}")
                })
        };
        let overcommit = match self.overcommit.get_untracked().trim() {
            "" => None,
            text => Some(
                text.parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 1.0)
                    .ok_or_else(|| {
                        format!("overcommit: \"{text}\" is not a ratio of 1 or more (1 = none)")
                    })?,
            ),
        };
        Ok(Options {
            architecture: Some(self.arch.get_untracked()).filter(|a| !a.is_empty()),
            families: self
                .families
                .get_untracked()
                .split([',', ' '])
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_string)
                .collect(),
            min_generation: whole(self.min_generation, "generation", 0, 99)?.unwrap_or(0),
            max_instances: whole(self.max_instances, "max instances", 1, 500)?.unwrap_or(10),
            headroom: if self.deploy_headroom.get_untracked() {
                Headroom::Deploy
            } else {
                Headroom::None
            },
            burstable: self.burstable.get_untracked(),
            overcommit,
            candidates: 5,
        })
    }
}

/// Where the search is.
#[derive(Clone, PartialEq)]
enum Run {
    Idle,
    Refused(String),
    Running {
        done: usize,
        total: usize,
    },
    Cancelled,
    /// The answer, and the plan it answers for.
    Done(Arc<(Recommendation, Plan)>),
}

/// The search in progress, kept out of the reactive graph: it changes on
/// every trial, and only its progress and answer are drawn.
type Slot = StoredValue<Option<(Search, Plan)>, LocalStorage>;

/// The search between frames: each frame runs trials for up to
/// [`SLICE_MS`], then hands the page back. Taking the search out of `slot`
/// (cancel, close, or a new search) stops it at the next frame.
fn run_frames(slot: Slot, run: RwSignal<Run>) {
    request_animation_frame(move || {
        let started = js_sys::Date::now();
        let outcome = slot
            .try_update_value(|held| {
                let (search, _) = held.as_mut()?;
                while js_sys::Date::now() - started < SLICE_MS && search.step() {}
                if search.is_done() {
                    let (search, plan) = held.take()?;
                    Some(Ok(Arc::new((search.recommendation(), plan))))
                } else {
                    Some(Err(search.progress()))
                }
            })
            .flatten();
        match outcome {
            Some(Ok(answer)) => run.set(Run::Done(answer)),
            Some(Err((done, total))) => {
                run.set(Run::Running { done, total });
                run_frames(slot, run);
            }
            None => {}
        }
    });
}

/// `open`: whether the panel is on screen; the search stops when it closes.
#[component]
pub fn RightSize(open: RwSignal<bool>) -> impl IntoView {
    let store = use_store();
    let limits = Limits::new();
    let run = RwSignal::new(Run::Idle);
    let slot: Slot = StoredValue::new_local(None);
    let start = move |_| match limits.options() {
        Err(message) => run.set(Run::Refused(message)),
        Ok(o) => {
            let plan = store.plan.get_untracked();
            slot.set_value(Some((Search::new(&plan, &o), plan)));
            run.set(Run::Running { done: 0, total: 0 });
            run_frames(slot, run);
        }
    };
    let stop = move || {
        let was_running = slot.try_update_value(|held| held.take().is_some());
        if was_running == Some(true) {
            run.set(Run::Cancelled);
        }
    };
    Effect::new(move |_| {
        if !open.get() {
            stop();
        }
    });
    let running = move || matches!(run.get(), Run::Running { .. });
    view! {
        <div class="picker right-size" data-testid="right-size">
            <h3>"Right-size: the cheapest cluster that fits"</h3>
            <LimitFields limits />
            <div class="picker-actions">
                <button data-testid="rs-search" on:click=start prop:disabled=running>
                    "Search the catalogue"
                </button>
                <Show when=running>
                    <button class="link" data-testid="rs-cancel" on:click=move |_| stop()>
                        "cancel"
                    </button>
                </Show>
                <button class="link" data-testid="rs-close" on:click=move |_| open.set(false)>
                    "close"
                </button>
            </div>
            {move || match run.get() {
                Run::Idle => {
                    view! {
                        <p class="muted">
                            "Tries every type of the catalogue that passes these limits, \
                             cheapest first, one group of one type."
                        </p>
                    }
                        .into_any()
                }
                Run::Refused(message) => {
                    view! {
                        <p class="field-error" role="alert" data-testid="rs-error">
                            {message}
                        </p>
                    }
                        .into_any()
                }
                Run::Running { done, total } => {
                    view! {
                        <p data-testid="rs-progress">
                            <progress max=total.max(1) value=done></progress>
                            {format!(" {done} of {total} types")}
                        </p>
                    }
                        .into_any()
                }
                Run::Cancelled => {
                    view! {
                        <p class="muted" data-testid="rs-cancelled">
                            "Search cancelled; the plan is as it was."
                        </p>
                    }
                        .into_any()
                }
                Run::Done(answer) => view! { <Answer store answer /> }.into_any(),
            }}
        </div>
    }
}

/// The form: architecture, headroom, most instances, families, generation,
/// burstable types, overcommit.
#[component]
fn LimitFields(limits: Limits) -> impl IntoView {
    let store = use_store();
    let plans = move || store.plan.with(plan_architecture);
    view! {
        <div class="picker-filters">
            <label>
                <span>"architecture"</span>
                <select
                    data-testid="rs-arch"
                    on:change=move |ev| limits.arch.set(event_target_value(&ev))
                >
                    <option value="">{move || format!("the plan's ({})", plans())}</option>
                    <option value="x86_64">"x86_64"</option>
                    <option value="arm64">"arm64"</option>
                </select>
            </label>
            <Typed label="max instances" testid="rs-max" value=limits.max_instances />
            <Typed label="families, e.g. t3, m6i" testid="rs-families" value=limits.families />
            <Typed label="generation ≥" testid="rs-generation" value=limits.min_generation />
            <Typed
                label="overcommit ≤ (limits ÷ memory)"
                testid="rs-overcommit"
                value=limits.overcommit
            />
            <Check
                label="each service can deploy at its own maximumPercent"
                testid="rs-headroom"
                value=limits.deploy_headroom
            />
            <Check label="burstable (T) types" testid="rs-burstable" value=limits.burstable />
        </div>
    }
}

#[component]
fn Typed(label: &'static str, testid: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input
                type="text"
                data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

#[component]
fn Check(label: &'static str, testid: &'static str, value: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev))
            />
            <span>{label}</span>
        </label>
    }
}

/// The answer: the sentence, the candidates, the cheaper types rejected,
/// the chart.
#[component]
fn Answer(store: Store, answer: Arc<(Recommendation, Plan)>) -> impl IntoView {
    let crate::charts::ChartWidth(chart_width) = expect_context();
    let (r, searched) = (&answer.0, &answer.1);
    let text = summary(searched, r);
    let cheaper: Vec<String> = r
        .candidates
        .first()
        .map(|best| {
            cheaper_types(r, best)
                .into_iter()
                .take(CHEAPER_SHOWN)
                .map(|x| format!("{} × {}: {}", x.instance_type, x.count, x.reason))
                .collect()
        })
        .unwrap_or_default();
    let points = r.cost_points(CHART_TYPES);
    let svg = move || crate::charts::cost_svg(&points, chart_width.get());
    let (services, tasks) = (searched.services.clone(), searched.task_definitions.clone());
    let stale = move || {
        store
            .plan
            .with(|p| p.services != services || p.task_definitions != tasks)
    };
    let counts = format!(
        "{} types tried, {} rejected outright, {} not tried (no cluster of them could be \
         cheaper than the fifth candidate); {} instances.",
        r.tried.len(),
        r.rejected.len(),
        r.skipped,
        r.architecture
    );
    view! {
        <Show when=stale>
            <p class="field-error" data-testid="rs-stale">
                "The services changed since this search: search again."
            </p>
        </Show>
        <p class="rs-summary" data-testid="rs-summary">
            {text}
        </p>
        <div class="picker-table">
            <table>
                <thead>
                    <tr>
                        <th></th>
                        <th>"cluster"</th>
                        <th>"$/month"</th>
                        <th>"memory"</th>
                        <th>"CPU"</th>
                        <th>"deployments"</th>
                    </tr>
                </thead>
                <tbody>
                    {r
                        .candidates
                        .iter()
                        .map(|c| candidate_row(store, c.clone(), searched))
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <Show when={
            let any = !cheaper.is_empty();
            move || any
        }>
            <h4>"Why not a cheaper type"</h4>
        </Show>
        <ul class="rs-cheaper" data-testid="rs-cheaper">
            {cheaper
                .iter()
                .map(|line| view! { <li class="mono">{line.clone()}</li> })
                .collect_view()}
        </ul>
        <div class="svg" data-testid="rs-chart" inner_html=svg></div>
        <p class="muted" data-testid="rs-counts">
            {counts}
        </p>
    }
}

/// One candidate: its cluster and figures, and the buttons that apply it or
/// pin it as the baseline.
fn candidate_row(store: Store, c: Candidate, searched: &Plan) -> impl IntoView {
    let g = c.groups[0].clone();
    let deployments = deployments_in_words(searched, &c);
    let (apply_g, pin_g) = (g.clone(), g.clone());
    let describe = c.describe();
    let applied = describe.clone();
    let apply = move |_| {
        let edit = Edit::UseCluster {
            instance_type: apply_g.instance_type.clone(),
            count: apply_g.count,
        };
        if store.dispatch(edit).is_ok() {
            store.notice.set(Some(Notice {
                message: format!(
                    "The cluster is now {applied}, every task placed afresh as the search \
                     placed them. Undo puts the cluster back."
                ),
                instance: None,
                ok: true,
            }));
        }
    };
    let pin = move |_| {
        let _ = store.dispatch(Edit::PinCluster {
            instance_type: pin_g.instance_type.clone(),
            count: pin_g.count,
        });
    };
    view! {
        <tr data-testid="rs-candidate" data-type=g.instance_type.clone() data-count=g.count>
            <td>
                <button class="small" data-testid="rs-apply" on:click=apply>
                    "apply"
                </button>
                <button class="link" data-testid="rs-pin" on:click=pin>
                    "pin as baseline"
                </button>
            </td>
            <td class="mono">{describe}</td>
            <td>{format!("{:.2}", c.monthly_cost)}</td>
            <td>{format!("{:.0} %", c.memory_utilisation * 100.0)}</td>
            <td>{format!("{:.0} %", c.cpu_utilisation * 100.0)}</td>
            <td>
                <details data-testid="rs-deployments">
                    <summary>{deployments}</summary>
                    <ul>
                        {c
                            .deployments
                            .iter()
                            .map(|d| view! { <li>{format!("{}: {}", d.service, d.outcome)}</li> })
                            .collect_view()}
                    </ul>
                </details>
            </td>
        </tr>
    }
}
