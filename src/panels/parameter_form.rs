//! The form a template's missing parameters open (issue 16, item 2): one
//! field per parameter CloudFormation would ask for, with its Description,
//! a choice for AllowedValues and a password field for NoEcho. It owns the
//! values typed so far; the import box owns the template waiting for them.

use berth_core::input::error::ParameterPrompt;
use leptos::prelude::*;

/// One field per prompt; `submit` gets every parameter's value.
#[component]
pub fn ParameterForm(
    needs: Vec<ParameterPrompt>,
    submit: Callback<Vec<(String, String)>>,
) -> impl IntoView {
    // Owned here: the values as typed, a select's first choice until changed.
    let values = RwSignal::new(
        needs
            .iter()
            .map(|n| {
                (
                    n.name.clone(),
                    n.allowed_values.first().cloned().unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>(),
    );
    let fields = needs
        .into_iter()
        .enumerate()
        .map(|(i, need)| parameter_field(i, need, values))
        .collect_view();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.run(values.get_untracked());
    };
    view! {
        <form class="parameter-form" data-testid="import-parameters" on:submit=on_submit>
            <p class="muted">
                "CloudFormation needs these values before it creates the stack; \
                 Berth needs them to plan it."
            </p>
            {fields}
            <button type="submit" data-testid="import-parameters-submit">
                "Import with these values"
            </button>
        </form>
    }
}

/// The field for the `i`-th parameter: a select, a password or a text box.
fn parameter_field(
    i: usize,
    need: ParameterPrompt,
    values: RwSignal<Vec<(String, String)>>,
) -> impl IntoView {
    let set = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        values.update(|vs| vs[i].1 = v);
    };
    let id = format!("import-param-{}", need.name);
    let input = if need.allowed_values.is_empty() {
        let kind = if need.no_echo { "password" } else { "text" };
        view! {
            <input
                id=id.clone()
                data-testid=id.clone()
                type=kind
                required
                autocomplete="off"
                inputmode=if need.kind == "Number" { "numeric" } else { "text" }
                on:input=set
            />
        }
        .into_any()
    } else {
        let options = need
            .allowed_values
            .iter()
            .map(|v| view! { <option value=v.clone()>{v.clone()}</option> })
            .collect_view();
        view! {
            <select id=id.clone() data-testid=id.clone() on:change=set>
                {options}
            </select>
        }
        .into_any()
    };
    view! {
        <div class="parameter-field">
            <label for=id>
                <strong>{need.name}</strong>
                <span class="muted">
                    {format!(" {}", need.kind)} {need.description.map(|d| format!(" · {d}"))}
                </span>
            </label>
            {input}
        </div>
    }
}
