//! Training walkthroughs: a trainer picks a topic, then "Next" shows each
//! step's plan on the board (and runs its deployment or run-task) and "Back"
//! returns to the previous step. A walkthrough runs in a sandbox: the user's
//! plan, its undo history and its autosave wait untouched until it closes;
//! "copy into my plan" is the one way a walkthrough's plan becomes the user's.
//! Large type; N / B or PageDown / PageUp work from the keyboard.

use berth_core::app::walkthrough::{walkthroughs, Action, WalkStep, Walkthrough};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::stepper::{Settings, Simulation};
use crate::store::use_store;

/// What a walkthrough step does beyond its plan: run its deployment or
/// run-task on the stepper, opened at the moment its text describes, or
/// bring the export panel into view.
fn run_action(
    step: &WalkStep,
    title: &str,
    (sim, settings): (RwSignal<Option<Simulation>>, Settings),
) {
    if let Some(Action::Deploy {
        service,
        tag,
        min_healthy,
        max_percent,
        failing,
        ..
    }) = &step.action
    {
        settings.show_deployment(service, tag, *min_healthy, *max_percent, *failing);
    }
    if let Some(Ok((run, at))) = step.simulation() {
        sim.set(Some(Simulation {
            run,
            step: at,
            title: title.to_string(),
        }));
    }
    if let Some(Action::Export) = step.action {
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("export-h"));
        if let Some(el) = el {
            el.scroll_into_view();
        }
    }
}

#[component]
pub fn Walkthroughs(sim: RwSignal<Option<Simulation>>, settings: Settings) -> impl IntoView {
    let store = use_store();
    let all = StoredValue::new(walkthroughs());
    // Owned here: the walkthrough on screen and its step.
    let active: RwSignal<Option<(usize, usize)>> = RwSignal::new(None);

    let apply = move |w: usize, i: usize| {
        let (step, title) = all.with_value(|a| (a[w].steps[i].clone(), a[w].title));
        sim.set(None);
        store.show_walkthrough_plan(step.plan.clone());
        run_action(&step, title, (sim, settings));
        active.set(Some((w, i)));
        store.announce.set(format!(
            "{title}: step {} of {}",
            i + 1,
            all.with_value(|a| a[w].steps.len())
        ));
    };
    let next = move || {
        if let Some((w, i)) = active.get_untracked() {
            if i + 1 < all.with_value(|a| a[w].steps.len()) {
                apply(w, i + 1);
            } else {
                active.set(None);
                sim.set(None);
                store.leave_walkthrough(false);
                store
                    .announce
                    .set("Walkthrough finished: your plan is back.".into());
            }
        }
    };
    let back = move || {
        if let Some((w, i)) = active.get_untracked() {
            if i > 0 {
                apply(w, i - 1);
            }
        }
    };
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if active.get_untracked().is_none() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if typing {
            return;
        }
        match ev.key().as_str() {
            "n" | "N" | "PageDown" => next(),
            "b" | "B" | "PageUp" => back(),
            _ => return,
        }
        ev.prevent_default();
    });

    view! {
        <section class="panel walk" aria-labelledby="walk-h" data-testid="walkthroughs">
            <h2 id="walk-h">"Training walkthroughs"</h2>
            {move || match active.get() {
                None => view! { <WalkList all=all apply=apply /> }.into_any(),
                Some((w, i)) => {
                    let (title, text, n) = all
                        .with_value(|a| (a[w].title, a[w].steps[i].text.clone(), a[w].steps.len()));
                    let close = move || {
                        active.set(None);
                        sim.set(None);
                        store.leave_walkthrough(false);
                    };
                    let copy = move || {
                        active.set(None);
                        sim.set(None);
                        store.leave_walkthrough(true);
                        store
                            .announce
                            .set("The walkthrough's plan is now yours (undo to go back).".into());
                    };
                    view! { <WalkStep title text step=i steps=n next back close copy /> }.into_any()
                }
            }}
        </section>
    }
}

/// Every walkthrough, with its number of steps.
#[component]
fn WalkList(
    all: StoredValue<Vec<Walkthrough>>,
    apply: impl Fn(usize, usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <ul class="walk-list">
            {all
                .with_value(|a| {
                    a.iter()
                        .enumerate()
                        .map(|(w, t)| {
                            let steps = match t.steps.len() {
                                1 => " · 1 step".to_string(),
                                n => format!(" · {n} steps"),
                            };
                            view! {
                                <li>
                                    <button
                                        class="link"
                                        data-testid=format!("walk-{}", t.id)
                                        on:click=move |_| apply(w, 0)
                                    >
                                        {t.title}
                                    </button>
                                    <span class="muted">{steps}</span>
                                </li>
                            }
                        })
                        .collect_view()
                })}
        </ul>
    }
}

/// The step on screen: its text, and back, next (or finish) and close.
#[component]
fn WalkStep(
    title: &'static str,
    text: String,
    step: usize,
    steps: usize,
    next: impl Fn() + Copy + Send + Sync + 'static,
    back: impl Fn() + Copy + Send + Sync + 'static,
    close: impl Fn() + Copy + Send + Sync + 'static,
    copy: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="walk-step" data-testid="walk-step">
            <p class="walk-title">
                {title}<span class="muted">{format!(" — step {} of {steps}", step + 1)}</span>
            </p>
            <p class="walk-text" data-testid="walk-text">
                {text}
            </p>
            <div class="walk-nav">
                <button data-testid="walk-back" prop:disabled=step == 0 on:click=move |_| back()>
                    "‹ Back (B)"
                </button>
                <button data-testid="walk-next" on:click=move |_| next()>
                    {if step + 1 == steps { "Finish ✓" } else { "Next › (N)" }}
                </button>
                <button class="link" data-testid="walk-close" on:click=move |_| close()>
                    "close"
                </button>
                <button
                    class="link"
                    data-testid="walk-copy"
                    title="Make this step's plan your own (undoable)"
                    on:click=move |_| copy()
                >
                    "copy into my plan"
                </button>
            </div>
        </div>
    }
}
