//! The service form: a new service or changes to one, each error shown
//! beside its field.

use berth_core::app::edit::{Edit, ServiceForm};
use berth_core::model::NetworkMode;
use leptos::prelude::*;

use crate::store::{use_store, Store};

/// What an input holds: text, or a number up to a maximum.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Number { max: Option<&'static str> },
}

/// The error the core gave for the field `name`, beside it.
fn field_error(store: Store, name: &'static str) -> impl IntoView {
    move || {
        let message = store.editing.with(|f| {
            f.as_ref()?
                .errors
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, m)| m.clone())
        });
        message.map(|m| {
            view! {
                <span class="field-error" data-testid=format!("error-{name}")>
                    {m}
                </span>
            }
        })
    }
}

/// What a field's text means for the form; an error when it means nothing.
type Setter = fn(&mut ServiceForm, String) -> Result<(), String>;

/// One labelled input of the form. `set` writes what the user typed into the
/// form being edited; text that is no number is said beside the field, and
/// the form keeps its last value (never a silent "none"). The core judges
/// the rest on save.
fn field(
    store: Store,
    (label, name): (&'static str, &'static str),
    kind: Kind,
    value: String,
    set: Setter,
) -> impl IntoView {
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        store.editing.update(|e| {
            if let Some(e) = e {
                e.errors.retain(|(k, _)| k != name);
                e.unreadable.retain(|k| *k != name);
                if let Err(message) = set(&mut e.form, v) {
                    e.errors.push((name.to_string(), message));
                    e.unreadable.push(name);
                }
            }
        });
    };
    let (input_type, min, max) = match kind {
        Kind::Text => ("text", None, None),
        Kind::Number { max } => ("number", Some("0"), max),
    };
    view! {
        <label>
            {label}
            <input name=name type=input_type min=min max=max prop:value=value on:input=on_input />
            {field_error(store, name)}
        </label>
    }
}

/// A whole number, or none for an empty field.
fn number(v: &str) -> Result<Option<u32>, String> {
    match v.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| format!("\"{t}\" is not a whole number")),
    }
}

/// A port number (0–65535, the range of TCP and UDP), or none.
fn port(v: &str) -> Result<Option<u16>, String> {
    match v.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| format!("\"{t}\" is not a port number (0 to 65535)")),
    }
}

fn text(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

// What each field's text sets in the form.
fn set_name(f: &mut ServiceForm, v: String) -> Result<(), String> {
    f.name = v;
    Ok(())
}

fn set_image(f: &mut ServiceForm, v: String) -> Result<(), String> {
    f.image = v;
    Ok(())
}

fn set_cpu(f: &mut ServiceForm, v: String) -> Result<(), String> {
    f.cpu = number(&v)?.unwrap_or(0);
    Ok(())
}

fn set_desired(f: &mut ServiceForm, v: String) -> Result<(), String> {
    f.desired_count = number(&v)?.unwrap_or(0);
    Ok(())
}

fn set_reservation(f: &mut ServiceForm, v: String) -> Result<(), String> {
    f.memory_reservation = number(&v)?;
    Ok(())
}

fn set_memory(f: &mut ServiceForm, v: String) -> Result<(), String> {
    f.memory = number(&v)?;
    Ok(())
}

fn set_container_port(f: &mut ServiceForm, v: String) -> Result<(), String> {
    f.container_port = port(&v)?;
    Ok(())
}

fn set_host_port(f: &mut ServiceForm, v: String) -> Result<(), String> {
    f.host_port = port(&v)?;
    Ok(())
}

/// Save: the core applies the form as one edit, or returns the errors the
/// form shows beside their fields.
fn save(store: Store) {
    let Some(state) = store.editing.get_untracked() else {
        return;
    };
    if !state.unreadable.is_empty() {
        return; // said beside each such field already
    }
    let edit = Edit::SaveService {
        original: state.original.clone(),
        form: state.form.clone(),
    };
    match store.dispatch(edit) {
        Ok(()) => store.editing.set(None),
        Err(e) => {
            store.notice.set(None);
            store.editing.update(|s| {
                if let Some(s) = s {
                    s.errors = e.fields.clone();
                }
            });
        }
    }
}

/// The network mode picker.
fn network_mode(store: Store, current: NetworkMode) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        store.editing.update(|e| {
            if let Some(e) = e {
                e.form.network_mode = NetworkMode::from_name(&v).unwrap_or_default();
            }
        });
    };
    let options = NetworkMode::ALL
        .into_iter()
        .map(|m| {
            view! {
                <option value=m.as_str() selected=current == m>
                    {m.as_str()}
                </option>
            }
        })
        .collect_view();
    view! {
        <label>
            "network mode" <select name="networkMode" on:change=on_change>
                {options}
            </select>
        </label>
    }
}

#[component]
pub(super) fn ServiceFormPanel() -> impl IntoView {
    let store = use_store();
    let number_kind = Kind::Number { max: None };
    let port_kind = Kind::Number { max: Some("65535") };
    move || {
        store.editing.get().map(|state| {
            let f = state.form.clone();
            let title = if state.original.is_some() {
                "Edit service"
            } else {
                "New service"
            };
            view! {
                <form
                    class="service-form"
                    data-testid="service-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save(store);
                    }
                >
                    <h3>{title}</h3>
                    {field(store, ("name", "name"), Kind::Text, f.name.clone(), set_name)}
                    {field(store, ("image", "image"), Kind::Text, f.image.clone(), set_image)}
                    <div class="row">
                        {field(
                            store,
                            ("CPU units", "cpu"),
                            number_kind,
                            f.cpu.to_string(),
                            set_cpu,
                        )}
                        {field(
                            store,
                            ("desired", "desiredCount"),
                            number_kind,
                            f.desired_count.to_string(),
                            set_desired,
                        )}
                    </div>
                    <div class="row">
                        {field(
                            store,
                            ("reservation MiB", "memoryReservation"),
                            number_kind,
                            text(f.memory_reservation),
                            set_reservation,
                        )}
                        {field(
                            store,
                            ("hard limit MiB", "memory"),
                            number_kind,
                            text(f.memory),
                            set_memory,
                        )}
                    </div>
                    <div class="row">
                        {network_mode(store, f.network_mode)}
                        {field(
                            store,
                            ("container port", "containerPort"),
                            port_kind,
                            text(f.container_port),
                            set_container_port,
                        )}
                        {field(
                            store,
                            ("host port (0 = dynamic)", "hostPort"),
                            port_kind,
                            text(f.host_port),
                            set_host_port,
                        )}
                    </div>
                    <label>
                        "JAVA_OPTS"
                        <input
                            name="javaOpts"
                            prop:value=f.java_opts.clone()
                            placeholder="-Xmx512m -XX:MaxMetaspaceSize=128m"
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                store
                                    .editing
                                    .update(|e| {
                                        if let Some(e) = e {
                                            e.form.java_opts = v;
                                        }
                                    });
                            }
                        />
                    </label>
                    <div class="form-actions">
                        <button type="submit" data-testid="save-service">
                            "Save"
                        </button>
                        <button
                            type="button"
                            class="link"
                            on:click=move |_| store.editing.set(None)
                        >
                            "Cancel"
                        </button>
                    </div>
                </form>
            }
        })
    }
}
