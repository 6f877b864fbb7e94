//! The stepper's form: the service, the change (image tag, hard limit, CPU,
//! host port) and the deployment's percentages.

use leptos::prelude::*;

use berth_core::simulate::limits;

use super::state::Settings;
use crate::store::use_store;

/// A number field bound to `value`; empty means "unchanged".
#[component]
fn NumberField(
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] max: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                type="number"
                min="0"
                max=max
                placeholder="unchanged"
                data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// A percentage slider in steps of 5, its value in its label.
#[component]
fn Percent(
    label: &'static str,
    value: RwSignal<u32>,
    range: (u32, u32),
    fallback: u32,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <label>
            {move || format!("{label} {} %", value.get())}
            <input
                type="range"
                min=range.0.to_string()
                max=range.1.to_string()
                step="5"
                data-testid=testid
                prop:value=move || value.get().to_string()
                on:input=move |ev| value.set(event_target_value(&ev).parse().unwrap_or(fallback))
            />
        </label>
    }
}

#[component]
pub(super) fn Controls(settings: Settings) -> impl IntoView {
    let store = use_store();
    let Settings {
        service,
        tag,
        min,
        max,
        failing,
        new_memory,
        new_cpu,
        new_port,
        ..
    } = settings;
    let counts = move || {
        // A daemon's desiredCount is its instances' number, as ECS sets it.
        let Some(desired) = store.plan.with(|p| {
            p.service(&service.get())
                .map(|s| berth_core::placement::desired_count(p, &store.place(p).state, s))
        }) else {
            return "The plan has no service to deploy: add one first.".to_string();
        };
        let (lo, hi) = limits(desired, min.get(), max.get());
        format!("at least {lo} of {desired} healthy, at most {hi} running or pending")
    };
    view! {
        <div class="stepper-controls">
            <label>
                "service"
                <select
                    data-testid="deploy-service"
                    prop:value=move || service.get()
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        store.plan.with_untracked(|p| settings.choose(p, &name));
                    }
                >
                    {move || {
                        store
                            .plan
                            .with(|p| {
                                p.services
                                    .iter()
                                    .map(|s| {
                                        let n = s.service_name.clone();
                                        let selected = n == service.get();
                                        view! {
                                            <option value=n.clone() selected=selected>
                                                {n.clone()}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            })
                    }}
                </select>
            </label>
            <label>
                "new image tag"
                <input
                    data-testid="deploy-tag"
                    placeholder="e.g. 1.5"
                    prop:value=move || tag.get()
                    on:input=move |ev| tag.set(event_target_value(&ev))
                />
            </label>
            <NumberField label="new hard limit MiB" value=new_memory />
            <NumberField label="new CPU units" value=new_cpu />
            <NumberField
                label="new host port (0 = dynamic)"
                value=new_port
                max="65535"
                testid="deploy-host-port"
            />
            <Percent
                label="minimum healthy"
                value=min
                range=(0, 100)
                fallback=100
                testid="deploy-min"
            />
            <Percent label="maximum" value=max range=(100, 300) fallback=200 testid="deploy-max" />
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="deploy-failing"
                    prop:checked=move || failing.get()
                    on:change=move |ev| failing.set(event_target_checked(&ev))
                />
                "new tasks fail health checks (circuit breaker, rollback)"
            </label>
        </div>
        <p class="limits-text" data-testid="deploy-limits">
            {counts}
        </p>
    }
}
