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
        let desired = store
            .plan
            .with(|p| p.service(&service.get()).map_or(0, |s| s.desired_count));
        let (lo, hi) = limits(desired, min.get(), max.get());
        format!("at least {lo} of {desired} healthy, at most {hi} running or pending")
    };
    view! {
        <div class="stepper-controls">
            <label>
                "service"
                <select
                    data-testid="deploy-service"
                    on:change=move |ev| service.set(event_target_value(&ev))
                >
                    {move || {
                        store
                            .plan
                            .with(|p| {
                                p.services
                                    .iter()
                                    .map(|s| {
                                        let n = s.service_name.clone();
                                        let selected = n == service.get_untracked();
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
            <label>
                {move || format!("minimum healthy {} %", min.get())}
                <input
                    type="range"
                    min="0"
                    max="100"
                    step="5"
                    data-testid="deploy-min"
                    prop:value=move || min.get().to_string()
                    on:input=move |ev| min.set(event_target_value(&ev).parse().unwrap_or(100))
                />
            </label>
            <label>
                {move || format!("maximum {} %", max.get())}
                <input
                    type="range"
                    min="100"
                    max="300"
                    step="5"
                    data-testid="deploy-max"
                    prop:value=move || max.get().to_string()
                    on:input=move |ev| max.set(event_target_value(&ev).parse().unwrap_or(200))
                />
            </label>
            <label class="check">
                <input
                    type="checkbox"
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
