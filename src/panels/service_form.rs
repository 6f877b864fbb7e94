//! The service form: a new service or changes to one, each error shown
//! beside its field.

use berth_core::app::edit::{Edit, ServiceForm};
use berth_core::model::NetworkMode;
use leptos::prelude::*;

use crate::store::use_store;

#[component]
pub(super) fn ServiceFormPanel() -> impl IntoView {
    let store = use_store();
    let field_error = move |name: &'static str| {
        move || {
            store.editing.get().and_then(|f| f.errors.iter().find(|(k, _)| k == name).map(|(_, m)| m.clone()))
                .map(|m| view! { <span class="field-error" data-testid=format!("error-{name}")>{m}</span> })
        }
    };
    let update = move |f: fn(&mut ServiceForm, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            store.editing.update(|e| {
                if let Some(e) = e {
                    f(&mut e.form, v)
                }
            });
        }
    };
    move || {
        store.editing.get().map(|state| {
        let f = state.form.clone();
        view! {
            <form class="service-form" data-testid="service-form" on:submit=move |ev| {
                ev.prevent_default();
                let Some(state) = store.editing.get_untracked() else { return };
                match store.dispatch(Edit::SaveService { original: state.original.clone(), form: state.form.clone() }) {
                    Ok(()) => store.editing.set(None),
                    Err(e) => {
                        store.notice.set(None);
                        store.editing.update(|s| if let Some(s) = s { s.errors = e.fields.clone(); });
                    }
                }
            }>
                <h3>{if state.original.is_some() { "Edit service" } else { "New service" }}</h3>
                <label>"name"<input name="name" prop:value=f.name.clone() on:input=update(|f, v| f.name = v)/>{field_error("name")}</label>
                <label>"image"<input name="image" prop:value=f.image.clone() on:input=update(|f, v| f.image = v)/>{field_error("image")}</label>
                <div class="row">
                    <label>"CPU units"<input name="cpu" type="number" min="0" prop:value=f.cpu.to_string() on:input=update(|f, v| f.cpu = v.trim().parse().unwrap_or(0))/>{field_error("cpu")}</label>
                    <label>"desired"<input name="desiredCount" type="number" min="0" prop:value=f.desired_count.to_string() on:input=update(|f, v| f.desired_count = v.trim().parse().unwrap_or(0))/>{field_error("desiredCount")}</label>
                </div>
                <div class="row">
                    <label>"reservation MiB"<input name="memoryReservation" type="number" min="0" prop:value=f.memory_reservation.map(|v| v.to_string()).unwrap_or_default() on:input=update(|f, v| f.memory_reservation = v.trim().parse().ok())/>{field_error("memoryReservation")}</label>
                    <label>"hard limit MiB"<input name="memory" type="number" min="0" prop:value=f.memory.map(|v| v.to_string()).unwrap_or_default() on:input=update(|f, v| f.memory = v.trim().parse().ok())/>{field_error("memory")}</label>
                </div>
                <div class="row">
                    <label>"network mode"
                        <select name="networkMode" on:change=update(|f, v| f.network_mode = NetworkMode::from_name(&v).unwrap_or_default())>
                            {NetworkMode::ALL.into_iter().map(|m| view! { <option value=m.as_str() selected=f.network_mode == m>{m.as_str()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"container port"<input name="containerPort" type="number" min="0" max="65535" prop:value=f.container_port.map(|v| v.to_string()).unwrap_or_default() on:input=update(|f, v| f.container_port = v.trim().parse().ok())/>{field_error("containerPort")}</label>
                    <label>"host port (0 = dynamic)"<input name="hostPort" type="number" min="0" max="65535" prop:value=f.host_port.map(|v| v.to_string()).unwrap_or_default() on:input=update(|f, v| f.host_port = v.trim().parse().ok())/>{field_error("hostPort")}</label>
                </div>
                <label>"JAVA_OPTS"<input name="javaOpts" prop:value=f.java_opts.clone() placeholder="-Xmx512m -XX:MaxMetaspaceSize=128m" on:input=update(|f, v| f.java_opts = v)/></label>
                <div class="form-actions">
                    <button type="submit" data-testid="save-service">"Save"</button>
                    <button type="button" class="link" on:click=move |_| store.editing.set(None)>"Cancel"</button>
                </div>
            </form>
        }
    })
    }
}
