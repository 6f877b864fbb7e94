//! The deployment stepper: choose a service and a change, set minimum healthy
//! and maximum percent, simulate in berth-core, then step, play or jump
//! through the result while the board shows the cluster at that step.

use berth_core::model::CircuitBreaker;
use berth_core::simulate::{
    deploy, hint, limits, run_task, scale, Change, DeployOptions, Deployment, Outcome, Timing,
};
use berth_core::Plan;
use leptos::prelude::*;

use crate::charts::{timeline_svg, TimelinePoint};
use crate::store::use_store;

/// A simulation on screen. Owned by the App (the board reads it); the
/// stepper writes it.
#[derive(Clone, PartialEq)]
pub struct Simulation {
    pub run: Deployment,
    pub step: usize,
    pub title: String,
}

/// A rolling deployment of `service` with `change` (an empty change forces a
/// new revision of the same image, as "force new deployment" does).
pub fn run_deploy(
    plan: &Plan,
    service: &str,
    change: Change,
    min: u32,
    max: u32,
    failing: bool,
) -> Result<Deployment, String> {
    let options = DeployOptions {
        change,
        minimum_healthy_percent: Some(min),
        maximum_percent: Some(max),
        failing_new_tasks: if failing { u32::MAX } else { 0 },
        circuit_breaker: failing.then_some(CircuitBreaker {
            enable: true,
            rollback: true,
        }),
        ..DeployOptions::default()
    };
    deploy(plan, service, &options).map_err(|e| e.to_string())
}

/// A one-off task shown with the same stepper as a deployment.
pub fn run_task_as_deployment(plan: &Plan, family: &str) -> Result<Deployment, String> {
    let r = run_task(plan, family, 60, Timing::default()).map_err(|e| e.to_string())?;
    let outcome = match &r.failure {
        None => Outcome::Completed,
        Some(f) => Outcome::Stalled {
            reason: f.reason.code().into(),
            event: f.message.clone(),
        },
    };
    Ok(Deployment {
        service: family.to_string(),
        desired_count: 1,
        min_healthy: 0,
        max_tasks: 1,
        old_task_definition: family.to_string(),
        new_task_definition: family.to_string(),
        steps: r.steps,
        outcome,
        plan: plan.clone(),
    })
}

#[component]
pub fn Stepper(sim: RwSignal<Option<Simulation>>) -> impl IntoView {
    let store = use_store();
    let crate::charts::ChartWidth(chart_width) = expect_context();
    let first_service = store.plan.with_untracked(|p| {
        p.services
            .first()
            .map(|s| s.service_name.clone())
            .unwrap_or_default()
    });
    let service = RwSignal::new(first_service);
    let tag = RwSignal::new(String::new());
    let min = RwSignal::new(100u32);
    let max = RwSignal::new(200u32);
    let failing = RwSignal::new(false);
    let new_memory = RwSignal::new(String::new());
    let new_cpu = RwSignal::new(String::new());
    let new_port = RwSignal::new(String::new());
    let desired_for_scale = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let playing = RwSignal::new(false);

    // When the service changes, start from its own deployment configuration.
    Effect::new(move |_| {
        let name = service.get();
        if let Some(dc) = store
            .plan
            .with_untracked(|p| p.service(&name).map(|s| s.deployment_configuration.clone()))
        {
            min.set(dc.minimum_healthy_percent);
            max.set(dc.maximum_percent);
        }
    });
    let desired = move || {
        store
            .plan
            .with(|p| p.service(&service.get()).map_or(0, |s| s.desired_count))
    };
    let counts = move || {
        let (lo, hi) = limits(desired(), min.get(), max.get());
        format!(
            "at least {lo} of {} healthy, at most {hi} running or pending",
            desired()
        )
    };

    let show = move |result: Result<Deployment, String>, title: String| match result {
        Ok(run) => {
            error.set(None);
            store.picked.set(None);
            sim.set(Some(Simulation {
                run,
                step: 0,
                title,
            }));
        }
        Err(e) => error.set(Some(e)),
    };
    let simulate = move |_| {
        let plan = store.plan.get_untracked();
        let name = service.get_untracked();
        let number = |v: String| v.trim().parse::<u32>().ok();
        let change = Change {
            image: Some(tag.get_untracked())
                .filter(|t| !t.trim().is_empty())
                .map(|t| format!(":{}", t.trim())),
            memory: number(new_memory.get_untracked()),
            cpu: number(new_cpu.get_untracked()),
            host_port: number(new_port.get_untracked()).and_then(|p| u16::try_from(p).ok()),
            ..Change::default()
        };
        let result = run_deploy(
            &plan,
            &name,
            change,
            min.get_untracked(),
            max.get_untracked(),
            failing.get_untracked(),
        );
        show(result, format!("Deploy {name}"));
    };
    let do_scale = move |_| {
        let plan = store.plan.get_untracked();
        let name = service.get_untracked();
        match desired_for_scale.get_untracked().trim().parse::<u32>() {
            Ok(n) => show(
                scale(&plan, &name, n, Timing::default()).map_err(|e| e.to_string()),
                format!("Scale {name} to {n}"),
            ),
            Err(_) => error.set(Some("desired count: give a whole number".into())),
        }
    };
    let do_run_task = move |family: String| {
        let plan = store.plan.get_untracked();
        show(
            run_task_as_deployment(&plan, &family),
            format!("Run task {family}"),
        );
    };

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
    let _ = leptos::prelude::set_interval_with_handle(
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

    let standalone = move || {
        store.plan.with(|p| {
            p.task_definitions
                .iter()
                .filter(|t| {
                    !p.services.iter().any(|s| {
                        p.task_definition(&s.task_definition)
                            .is_some_and(|x| x.family == t.family)
                    })
                })
                .map(|t| t.family.clone())
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section class="panel stepper" aria-labelledby="deploy-h" data-testid="stepper">
            <h2 id="deploy-h">"Rolling deployment"</h2>
            <div class="stepper-controls">
                <label>"service"
                    <select data-testid="deploy-service" on:change=move |ev| service.set(event_target_value(&ev))>
                        {move || store.plan.with(|p| p.services.iter().map(|s| {
                            let n = s.service_name.clone();
                            view! { <option value=n.clone() selected=n == service.get_untracked()>{n.clone()}</option> }
                        }).collect_view())}
                    </select>
                </label>
                <label>"new image tag"
                    <input data-testid="deploy-tag" placeholder="e.g. 1.5" prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev))/>
                </label>
                <label>"new hard limit MiB"
                    <input type="number" min="0" placeholder="unchanged" prop:value=move || new_memory.get() on:input=move |ev| new_memory.set(event_target_value(&ev))/>
                </label>
                <label>"new CPU units"
                    <input type="number" min="0" placeholder="unchanged" prop:value=move || new_cpu.get() on:input=move |ev| new_cpu.set(event_target_value(&ev))/>
                </label>
                <label>"new host port (0 = dynamic)"
                    <input type="number" min="0" max="65535" placeholder="unchanged" data-testid="deploy-host-port" prop:value=move || new_port.get() on:input=move |ev| new_port.set(event_target_value(&ev))/>
                </label>
                <label>{move || format!("minimum healthy {} %", min.get())}
                    <input type="range" min="0" max="100" step="5" data-testid="deploy-min" prop:value=move || min.get().to_string()
                        on:input=move |ev| min.set(event_target_value(&ev).parse().unwrap_or(100))/>
                </label>
                <label>{move || format!("maximum {} %", max.get())}
                    <input type="range" min="100" max="300" step="5" data-testid="deploy-max" prop:value=move || max.get().to_string()
                        on:input=move |ev| max.set(event_target_value(&ev).parse().unwrap_or(200))/>
                </label>
                <label class="check"><input type="checkbox" prop:checked=move || failing.get() on:change=move |ev| failing.set(event_target_checked(&ev))/>"new tasks fail health checks (circuit breaker, rollback)"</label>
            </div>
            <p class="limits-text" data-testid="deploy-limits">{counts}</p>
            <div class="stepper-actions">
                <button type="button" data-testid="simulate" on:click=simulate>"Simulate deployment"</button>
                <span class="muted">"or"</span>
                <input class="narrow" placeholder="desired" aria-label="desired count for scaling" prop:value=move || desired_for_scale.get() on:input=move |ev| desired_for_scale.set(event_target_value(&ev))/>
                <button type="button" class="small" on:click=do_scale>"Scale"</button>
                {move || standalone().into_iter().map(|f| {
                    let fam = f.clone();
                    view! { <button type="button" class="small" on:click=move |_| do_run_task(fam.clone())>{format!("Run task {f}")}</button> }
                }).collect_view()}
            </div>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            {move || sim.get().map(|s| {
                let n = s.run.steps.len();
                let st = &s.run.steps[s.step.min(n - 1)];
                let points: Vec<TimelinePoint> = s.run.steps.iter().map(|x| TimelinePoint {
                    t: x.t, old: x.old.running + x.old.pending, new: x.new.running + x.new.pending, healthy: x.old.healthy + x.new.healthy,
                }).collect();
                let svg = timeline_svg(&points, s.run.min_healthy, s.run.max_tasks, s.step, chart_width.get());
                let done = s.step + 1 == n;
                let outcome = match &s.run.outcome {
                    Outcome::Completed => "completed".to_string(),
                    Outcome::Stalled { reason, .. } => format!("stalled: {reason}"),
                    Outcome::Failed { reason } => format!("failed: {reason}"),
                    Outcome::RolledBack { reason } => format!("rolled back: {reason}"),
                };
                let tip = hint(&s.run);
                let event = match &s.run.outcome {
                    Outcome::Stalled { event, .. } if !event.is_empty() => Some(event.clone()),
                    _ => None,
                };
                view! {
                    <div class="sim" data-testid="simulation">
                        <div class="sim-head">
                            <strong>{s.title.clone()}</strong>
                            <span class="muted">{format!("{} → {} · at least {} healthy, at most {} running or pending", s.run.old_task_definition, s.run.new_task_definition, s.run.min_healthy, s.run.max_tasks)}</span>
                            <button class="link" data-testid="close-simulation" on:click=move |_| { playing.set(false); sim.set(None); }>"back to the plan"</button>
                        </div>
                        <div class="transport">
                            <button class="small" aria-label="first step" on:click=move |_| go(0)>"« first"</button>
                            <button class="small" aria-label="previous step" data-testid="step-back" on:click=move |_| go(current().saturating_sub(1))>"‹ back"</button>
                            <button class="small" aria-label="play or pause" data-testid="play" on:click=move |_| playing.update(|p| *p = !*p)>{move || if playing.get() { "pause" } else { "play" }}</button>
                            <button class="small" aria-label="next step" data-testid="step-forward" on:click=move |_| go(current() + 1)>"next ›"</button>
                            <button class="small" aria-label="last step" data-testid="step-last" on:click=move |_| go(usize::MAX)>"last »"</button>
                            <input type="range" min="0" max=(n - 1).to_string() prop:value=s.step.to_string() aria-label="jump to step"
                                on:input=move |ev| go(event_target_value(&ev).parse().unwrap_or(0))/>
                            <span class="mono" data-testid="step-index">{format!("step {} of {}", s.step + 1, n)}</span>
                        </div>
                        <div class="step" data-testid="step">
                            <span class="mono">{format!("t = {} s", st.t)}</span>
                            <strong data-testid="step-action">{st.action.clone()}</strong>
                            <span data-testid="step-counts">{format!("old {} running, {} draining · new {} pending, {} running, {} healthy",
                                st.old.running, st.old.draining, st.new.pending, st.new.running, st.new.healthy)}</span>
                        </div>
                        <ul class="events">
                            {st.events.iter().map(|e| view! { <li data-testid="step-event">{e.clone()}</li> }).collect_view()}
                        </ul>
                        {done.then(|| view! {
                            <p class="outcome" class:bad=!s.run.outcome.is_completed() data-testid="outcome">{format!("Outcome: {outcome}")}</p>
                        })}
                        {done.then_some(event).flatten().map(|e| view! { <p class="outcome-event" data-testid="outcome-event">{e}</p> })}
                        {(done && tip.is_some()).then(|| view! { <p class="hint" data-testid="hint">{format!("Hint: {}", tip.clone().unwrap_or_default())}</p> })}
                        <div class="svg timeline" inner_html=svg></div>
                    </div>
                }
            })}
        </section>
    }
}
