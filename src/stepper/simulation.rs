//! A simulation on screen: the transport (first, back, play, next, last, a
//! slider), the step's action, counts and events, the outcome with its hint,
//! and the timeline chart.

use berth_core::simulate::{hint, timeline, Outcome};
use leptos::prelude::*;

use super::state::Simulation;
use crate::charts::deployment_svg;

#[component]
pub(super) fn SimulationView(
    sim: RwSignal<Option<Simulation>>,
    playing: RwSignal<bool>,
) -> impl IntoView {
    let step_count = move || sim.with(|s| s.as_ref().map_or(0, |s| s.run.steps.len()));
    let go = move |to: usize| {
        sim.update(|s| {
            if let Some(s) = s {
                s.step = to.min(s.run.steps.len().saturating_sub(1))
            }
        })
    };
    let current = move || sim.with(|s| s.as_ref().map_or(0, |s| s.step));
    // Play: one step every 700 ms until the end.
    let _ = set_interval_with_handle(
        move || {
            if playing.get_untracked() {
                let (at, n) = (current(), step_count());
                if at + 1 >= n {
                    playing.set(false);
                } else {
                    go(at + 1);
                }
            }
        },
        std::time::Duration::from_millis(700),
    );
    move || {
        sim.get().map(|s| {
            view! {
                <div class="sim" data-testid="simulation">
                    <div class="sim-head">
                        <strong>{s.title.clone()}</strong>
                        <span class="muted">
                            {format!(
                                "{} → {} · at least {} healthy, at most {} running or pending",
                                s.run.old_task_definition,
                                s.run.new_task_definition,
                                s.run.min_healthy,
                                s.run.max_tasks,
                            )}
                        </span>
                        <button
                            class="link"
                            data-testid="close-simulation"
                            on:click=move |_| {
                                playing.set(false);
                                sim.set(None);
                            }
                        >
                            "back to the plan"
                        </button>
                    </div>
                    <Transport s=s.clone() playing=playing go=go />
                    <StepDetail s=s />
                </div>
            }
        })
    }
}

#[component]
fn Transport(
    s: Simulation,
    playing: RwSignal<bool>,
    go: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let n = s.run.steps.len();
    let at = s.step;
    view! {
        <div class="transport">
            <button class="small" aria-label="first step" on:click=move |_| go(0)>
                "« first"
            </button>
            <button
                class="small"
                aria-label="previous step"
                data-testid="step-back"
                on:click=move |_| go(at.saturating_sub(1))
            >
                "‹ back"
            </button>
            <button
                class="small"
                aria-label="play or pause"
                data-testid="play"
                on:click=move |_| playing.update(|p| *p = !*p)
            >
                {move || if playing.get() { "pause" } else { "play" }}
            </button>
            <button
                class="small"
                aria-label="next step"
                data-testid="step-forward"
                on:click=move |_| go(at + 1)
            >
                "next ›"
            </button>
            <button
                class="small"
                aria-label="last step"
                data-testid="step-last"
                on:click=move |_| go(usize::MAX)
            >
                "last »"
            </button>
            <input
                type="range"
                min="0"
                max=(n - 1).to_string()
                prop:value=at.to_string()
                aria-label="jump to step"
                on:input=move |ev| go(event_target_value(&ev).parse().unwrap_or(0))
            />
            <span class="mono" data-testid="step-index">
                {format!("step {} of {}", at + 1, n)}
            </span>
        </div>
    }
}

/// The step on screen, the outcome once at the last step, and the timeline.
#[component]
fn StepDetail(s: Simulation) -> impl IntoView {
    let crate::charts::ChartWidth(chart_width) = expect_context();
    let n = s.run.steps.len();
    let st = s.run.steps[s.step.min(n - 1)].clone();
    let chart = timeline(&s.run);
    let at = s.step;
    // Redrawn when the chart's width follows the window.
    let svg = move || deployment_svg(&chart, at, chart_width.get());
    let done = s.step + 1 == n;
    let tip = done.then(|| hint(&s.run)).flatten();
    let event = match &s.run.outcome {
        Outcome::Stalled { event, .. } if done && !event.is_empty() => Some(event.clone()),
        _ => None,
    };
    let counts = st.describe_counts();
    view! {
        <div class="step" data-testid="step">
            <span class="mono">{format!("t = {} s", st.t)}</span>
            <strong data-testid="step-action">{st.action.clone()}</strong>
            <span data-testid="step-counts">{counts}</span>
        </div>
        <ul class="events">
            {st
                .events
                .iter()
                .map(|e| view! { <li data-testid="step-event">{e.clone()}</li> })
                .collect_view()}
        </ul>
        {done
            .then(|| {
                view! {
                    <p
                        class="outcome"
                        class:bad=!s.run.outcome.is_completed()
                        data-testid="outcome"
                    >
                        {format!("Outcome: {}", s.run.outcome.describe())}
                    </p>
                }
            })}
        {event
            .map(|e| {
                view! {
                    <p class="outcome-event" data-testid="outcome-event">
                        {e}
                    </p>
                }
            })}
        {tip
            .map(|t| {
                view! {
                    <p class="hint" data-testid="hint">
                        {format!("Hint: {t}")}
                    </p>
                }
            })}
        <div class="svg timeline" inner_html=svg></div>
    }
}
