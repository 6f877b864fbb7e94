//! The smallest Leptos CSR view with a signal, an event and a keyed list:
//! the view runtime's share of any Leptos bundle.

use leptos::prelude::*;

#[component]
pub fn Counter() -> impl IntoView {
    let (count, set_count) = signal(0u32);
    view! {
        <button on:click=move |_| set_count.update(|n| *n += 1)>"+1"</button>
        <ul>
            <For each=move || 0..count.get() key=|n| *n let:n>
                <li>{n}</li>
            </For>
        </ul>
    }
}
