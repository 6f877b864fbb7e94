//! The root component: lays out the page and owns the keyboard drag.

use berth_core::app::edit::Edit;
use berth_core::app::view::{board_at_step, board_with};
use berth_core::{load_plan, Plan};
use leptos::prelude::*;

use crate::board::Board;
use crate::compare::ComparePanel;

use crate::panels::{
    ClusterPanel, ExportPanel, ImportBox, Insights, Palette, Rebalance, TotalsBar, Tray,
};
use crate::stepper::{Settings, Simulation, Stepper};
use crate::store::Store;
use crate::walk::Walkthroughs;

/// The example plan users see first: the seed's microtrader cluster.
const EXAMPLE_PLAN: &str = include_str!("../public/examples/microtrader.json");

fn example() -> Plan {
    // The example ships with the app and is tested in berth-core.
    load_plan(EXAMPLE_PLAN).expect("the bundled example plan loads")
}

/// The page. `handed` are the edits made on the first board (crate
/// berth-first) before the app took over.
#[component]
pub fn App(handed: Vec<Edit>) -> impl IntoView {
    // The plan saved in this browser wins over the example; a shared link
    // wins over both (as the first module chose, first/src/lib.rs).
    let (start, restore_error) = match crate::persist::restore() {
        Ok(Some(saved)) => (saved, None),
        Ok(None) => (example(), None),
        Err(message) => (example(), Some(message)),
    };
    let restore_error = crate::persist::take_crash().or(restore_error);
    let store = Store::new(start);
    if let Some(message) = restore_error {
        store.notice.set(Some(crate::store::Notice {
            message,
            instance: None,
            ok: false,
        }));
    }
    if let Some(fragment) = crate::persist::link_fragment() {
        open_link(store, &fragment);
    }
    // The drags made on the first board before the app arrived, on the plan
    // it drew: the one just opened.
    crate::first_board::replay(store, handed);
    provide_context(store);
    // Export and import arrive as a second module after the board is drawn,
    // so they never delay it (issue 8). A timer: the panels are mounted by then.
    set_timeout(
        move || crate::exchange_module::load_soon(store.exchange),
        std::time::Duration::ZERO,
    );
    // Autosave every change of the user's plan (not a walkthrough's).
    Effect::new(move |_| {
        if !store.walking.get() {
            store.plan.with(crate::persist::save)
        }
    });
    // A simulation on screen (owned here: the board draws its current step).
    let sim: RwSignal<Option<Simulation>> = RwSignal::new(None);
    // The deployment form (owned here: the stepper edits it, a walkthrough
    // step sets it to the deployment it runs).
    let settings = store.plan.with_untracked(Settings::new);
    Effect::new(move |_| store.viewing_step.set(sim.with(Option::is_some)));
    let view_model = Memo::new(move |_| {
        sim.with(|s| match s {
            Some(s) => board_at_step(&s.run.plan, &s.run.steps[s.step.min(s.run.steps.len() - 1)]),
            None => store.plan.with(|p| board_with(p, &store.place(p))),
        })
    });
    provide_context(view_model);
    crate::dnd::provide_kbd_target(store, view_model);
    // The width charts are drawn at (owned here: panels of both columns draw
    // charts). It follows the window, and changes only between 360 and 780 px.
    let viewport = RwSignal::new(viewport_width());
    let _resize =
        window_event_listener(leptos::ev::resize, move |_| viewport.set(viewport_width()));
    provide_context(crate::charts::ChartWidth(Memo::new(move |_| {
        crate::charts::drawing_width(viewport.get())
    })));

    // Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) undo and redo, except while typing in a
    // field; otherwise the keyboard drag, while something is picked up.
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() {
            history_keys(store, &ev);
            return;
        }
        crate::dnd::keyboard_drag(store, view_model, &ev);
    });

    view! {
        <TopBar view_model=view_model />
        <p class="sr-only" aria-live="assertive" data-testid="announcer">
            {move || store.announce.get()}
        </p>
        <PlacingBanner />
        <main class="layout" class:placing=move || store.picked.with(Option::is_some)>
            <aside class="sidebar">
                // The work first: services and groups; walkthroughs in their
                // own place below (an open one rises to the top, in CSS).
                <Palette />
                <ClusterPanel />
                <ImportBox />
                <Walkthroughs sim=sim settings=settings />
            </aside>
            <section class="workspace">
                <Notices />
                <Stepper sim=sim settings=settings />
                {move || {
                    sim.with(Option::is_some)
                        .then(|| {
                            view! {
                                <p class="viewing-step" data-testid="viewing-step">
                                    "The board shows the simulation at the chosen step; the plan \
                                     itself is unchanged."
                                </p>
                            }
                        })
                }}
                <Rebalance />
                <Board />
                <Tray />
                <Insights />
                <ComparePanel />
                <ExportPanel />
            </section>
        </main>
    }
}

/// Ctrl+Z undoes, Ctrl+Shift+Z or Ctrl+Y redoes, unless a field has the keys.
fn history_keys(store: Store, ev: &leptos::ev::KeyboardEvent) {
    let typing = ev
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
    if typing {
        return;
    }
    match ev.key().to_ascii_lowercase().as_str() {
        "z" if ev.shift_key() => store.redo(),
        "z" => store.undo(),
        "y" => store.redo(),
        _ => return,
    }
    ev.prevent_default();
}

/// The page's top bar: the plan's name, undo and redo, share, the example,
/// and the cluster's totals.
#[component]
fn TopBar(view_model: Memo<berth_core::app::view::Board>) -> impl IntoView {
    let store = crate::store::use_store();
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">
                    "⚓"
                </span>
                <span class="name">"Berth"</span>
                <span class="tagline">
                    "ECS on EC2 planner — will it fit, and will it deploy?"
                </span>
            </div>
            <div class="plan-name">
                <span class="muted">"plan"</span>
                <strong>{move || view_model.with(|b| b.plan_name.clone())}</strong>
                <span class="muted">"cluster"</span>
                <code>{move || view_model.with(|b| b.cluster_name.clone())}</code>
            </div>
            <div class="history">
                <button
                    class="small"
                    data-testid="undo"
                    title="Undo (Ctrl+Z)"
                    prop:disabled=move || store.history.with(|h| !h.can_undo())
                    on:click=move |_| store.undo()
                >
                    "↶ Undo"
                </button>
                <button
                    class="small"
                    data-testid="redo"
                    title="Redo (Ctrl+Shift+Z)"
                    prop:disabled=move || store.history.with(|h| !h.can_redo())
                    on:click=move |_| store.redo()
                >
                    "↷ Redo"
                </button>
                <ShareButton />
                <button
                    class="small"
                    data-testid="to-walkthroughs"
                    title="The training walkthroughs, below the services and groups"
                    on:click=move |_| {
                        let el = web_sys::window()
                            .and_then(|w| w.document())
                            .and_then(|d| d.get_element_by_id("walk-h"));
                        if let Some(el) = el {
                            el.scroll_into_view();
                        }
                    }
                >
                    "Walkthroughs"
                </button>
                <button
                    class="small"
                    data-testid="reset"
                    title="Start again from the example plan"
                    on:click=move |_| store.replace(example())
                >
                    "Example"
                </button>
            </div>
            <TotalsBar />
        </header>
    }
}

fn viewport_width() -> f64 {
    window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(1280.0)
}

/// The answer to the last edit, when it was a refusal not tied to an instance.
#[component]
fn Notices() -> impl IntoView {
    let store = crate::store::use_store();
    move || {
        store
            .notice
            .get()
            .filter(|n| n.instance.is_none())
            .map(|n| {
                view! {
                    <div class="notice" class:ok=n.ok role="alert" data-testid="notice">
                        <span>{n.message}</span>
                        <button class="link" on:click=move |_| store.notice.set(None)>
                            "Dismiss"
                        </button>
                    </div>
                }
            })
    }
}

/// Opens the plan in a share link in place of the one on the board, which
/// undo brings back. Read here, not in the exchange module: the app is no
/// longer the first load (the first module is, and it reads links too), and
/// the board must show the link's plan as soon as the app takes over.
fn open_link(store: Store, fragment: &str) {
    // A notice from start-up (an unreadable saved plan) stays in view.
    let earlier = store.notice.get_untracked().map(|n| n.message);
    let say = move |message: String, ok: bool| {
        let message = match &earlier {
            Some(earlier) => format!("{message} {earlier}"),
            None => message,
        };
        store.notice.set(Some(crate::store::Notice {
            message,
            instance: None,
            ok: ok && earlier.is_none(),
        }))
    };
    crate::persist::forget_link();
    match berth_core::input::share::decode(fragment) {
        Ok(plan) if store.plan.with_untracked(|p| *p == plan) => say(
            "Opened the plan from the shared link: the same as the one you had.".into(),
            true,
        ),
        Ok(plan) => {
            store.replace(plan);
            say(
                "Opened the plan from the shared link. Undo (Ctrl+Z) brings back the plan you \
                 had."
                    .into(),
                true,
            );
        }
        Err(e) => say(format!("The shared link could not be opened: {e}"), false),
    }
}

/// Puts the whole plan in a link, copies it and shows it.
#[component]
fn ShareButton() -> impl IntoView {
    let store = crate::store::use_store();
    let link = RwSignal::new(None::<String>);
    view! {
        <button
            class="small"
            data-testid="share"
            title="Copy a link that opens this plan"
            on:click=move |_| {
                let plan = store.plan.get_untracked();
                leptos::task::spawn_local(async move {
                    let fragment = match crate::exchange_module::ready().await {
                        Ok(()) => {
                            crate::exchange_module::share_link(&plan).map_err(|e| e.to_string())
                        }
                        Err(message) => Err(message),
                    };
                    match fragment {
                        Ok(fragment) => {
                            let url = crate::persist::link_for(&fragment);
                            if let (Some(w), Some(url)) = (web_sys::window(), url.as_ref()) {
                                let _ = w.navigator().clipboard().write_text(url);
                            }
                            link.set(url);
                        }
                        Err(message) => {
                            store
                                .notice
                                .set(
                                    Some(crate::store::Notice {
                                        message: format!("No share link: {message}"),
                                        instance: None,
                                        ok: false,
                                    }),
                                )
                        }
                    }
                });
            }
        >
            "Share"
        </button>
        {move || {
            link.get()
                .map(|l| {
                    view! {
                        <input
                            class="share-link"
                            readonly
                            data-testid="share-link"
                            aria-label="share link"
                            prop:value=l
                            on:focus=move |ev| {
                                if let Some(i) = ev
                                    .target()
                                    .and_then(|t| {
                                        wasm_bindgen::JsCast::dyn_into::<
                                            web_sys::HtmlInputElement,
                                        >(t)
                                            .ok()
                                    })
                                {
                                    i.select();
                                }
                            }
                        />
                    }
                })
        }}
    }
}

/// While a tap (or the keyboard) has picked something up: what it is, how
/// to place it, and a way to put it back.
#[component]
fn PlacingBanner() -> impl IntoView {
    let store = crate::store::use_store();
    move || {
        store.picked.get().map(|p| {
            view! {
                <div class="placing-banner" role="status" data-testid="placing">
                    <span>{crate::dnd::placing(&p)}</span>
                    <button
                        class="small"
                        data-testid="placing-cancel"
                        on:click=move |_| store.picked.set(None)
                    >
                        "cancel"
                    </button>
                </div>
            }
        })
    }
}
