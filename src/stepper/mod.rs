//! The deployment stepper: choose a service and a change, set minimum healthy
//! and maximum percent, simulate in berth-core, then step, play or jump
//! through the result while the board shows the cluster at that step.
//!
//! `controls` is the form, `simulation` the result. Who owns what: the
//! stepper owns whether it is playing; the App owns the form's [`Settings`]
//! (a walkthrough sets them too) and the [`Simulation`] on screen, because
//! the board draws its step.

mod controls;
mod simulation;
mod state;

use berth_core::simulate::{
    deploy, run_task_as_deployment, run_task_candidates, scale, Change, DeployOptions, Deployment,
    Timing, ONE_OFF_RUN_SECONDS,
};
use berth_core::Plan;
use leptos::prelude::*;

use crate::store::use_store;
use controls::Controls;
use simulation::SimulationView;
pub use state::{Settings, Simulation};

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
    let options = DeployOptions::stepper(change, min, max, failing);
    deploy(plan, service, &options).map_err(|e| e.to_string())
}

/// A one-off task of `family`, as a simulation the stepper steps through.
pub fn run_task_simulation(plan: &Plan, family: &str) -> Result<Deployment, String> {
    run_task_as_deployment(plan, family, ONE_OFF_RUN_SECONDS, Timing::default())
        .map_err(|e| e.to_string())
}

#[component]
pub fn Stepper(sim: RwSignal<Option<Simulation>>, settings: Settings) -> impl IntoView {
    let store = use_store();
    let error = RwSignal::new(None::<String>);
    let playing = RwSignal::new(false);

    settings.follow_plan(store.plan);
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
        let name = settings.service.get_untracked();
        let s = settings;
        let result = run_deploy(
            &plan,
            &name,
            s.change(),
            s.min.get_untracked(),
            s.max.get_untracked(),
            s.failing.get_untracked(),
        );
        show(result, format!("Deploy {name}"));
    };
    let do_scale = move |_| {
        let plan = store.plan.get_untracked();
        let name = settings.service.get_untracked();
        match settings
            .desired_for_scale
            .get_untracked()
            .trim()
            .parse::<u32>()
        {
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
            run_task_simulation(&plan, &family),
            format!("Run task {family}"),
        );
    };
    let candidates = move || store.plan.with(run_task_candidates);

    view! {
        <section class="panel stepper" aria-labelledby="deploy-h" data-testid="stepper">
            <h2 id="deploy-h">"Rolling deployment"</h2>
            <Controls settings=settings />
            <div class="stepper-actions">
                <button
                    type="button"
                    data-testid="simulate"
                    prop:disabled=move || settings.service.with(String::is_empty)
                    on:click=simulate
                >
                    "Simulate deployment"
                </button>
                <span class="muted">"or"</span>
                <input
                    class="narrow"
                    placeholder="desired"
                    aria-label="desired count for scaling"
                    prop:value=move || settings.desired_for_scale.get()
                    on:input=move |ev| settings.desired_for_scale.set(event_target_value(&ev))
                />
                <button type="button" class="small" on:click=do_scale>
                    "Scale"
                </button>
                {move || {
                    candidates()
                        .into_iter()
                        .map(|f| {
                            let fam = f.clone();
                            view! {
                                <button
                                    type="button"
                                    class="small"
                                    on:click=move |_| do_run_task(fam.clone())
                                >
                                    {format!("Run task {f}")}
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </div>
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="field-error" role="alert">
                                {e}
                            </p>
                        }
                    })
            }}
            <SimulationView sim=sim playing=playing />
        </section>
    }
}
