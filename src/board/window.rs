//! Which instance cards are drawn (issue 21: 5,000 instances must draw in
//! under a second). A group's cards are cut into chunks of whole grid rows;
//! a chunk draws its cards while it is within a screen of the viewport and
//! is an empty box of its last measured (or estimated) height otherwise, so
//! the page scrolls as if every card were there. Groups of up to
//! [`ALWAYS_DRAWN`] cards are drawn whole.
//!
//! Who owns what: each chunk owns whether it is drawn and the height it last
//! had; its group owns the column count, measured from the grid the
//! stylesheet lays out, so that a chunk always fills whole rows. Nothing here
//! knows about ECS: it only decides which of the core's cards reach the DOM.

use std::ops::Range;

use berth_core::app::view::{Board as BoardView, InstanceView};
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

use super::instance::InstanceCard;
use crate::dnd::KbdTarget;
use crate::store::Target;

/// About this many cards per chunk, rounded up to whole rows: enough that a
/// screen holds a few chunks, few enough that drawing one fits in a frame.
const CARDS_PER_CHUNK: usize = 12;
/// A row's height before its chunk has been drawn, in px: a card with no
/// task and a closed port map, as the stylesheet draws it on a desktop.
const ROW_ESTIMATE_PX: f64 = 215.0;
/// The gap between rows, as `.instances` sets it.
const ROW_GAP_PX: f64 = 12.0;
/// A group of up to this many cards is drawn whole, as if not windowed: an
/// ordinary board keeps every card in the page (find in page, a drag from
/// the palette on a phone, where the board is far below it).
const ALWAYS_DRAWN: usize = 48;
/// How far beyond the viewport chunks are drawn: one screen above and below.
const DRAW_MARGIN: &str = "100% 0px 100% 0px";

/// How a group's cards are cut: `columns` per row, `per_chunk` per chunk.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Cut {
    columns: usize,
    per_chunk: usize,
}

impl Cut {
    /// Whole rows of `columns` cards, about [`CARDS_PER_CHUNK`] in all.
    pub fn new(columns: usize) -> Cut {
        let columns = columns.max(1);
        let rows = CARDS_PER_CHUNK.div_ceil(columns).max(1);
        Cut {
            columns,
            per_chunk: rows * columns,
        }
    }

    /// How many chunks `cards` cards make.
    pub fn chunks(self, cards: usize) -> usize {
        cards.div_ceil(self.per_chunk)
    }

    /// The cards of chunk `index`, as positions in the group.
    fn range(self, index: usize, cards: usize) -> Range<usize> {
        let start = (index * self.per_chunk).min(cards);
        start..((index + 1) * self.per_chunk).min(cards)
    }

    /// The height an undrawn chunk of `cards` cards stands in for.
    fn estimate(self, cards: usize) -> f64 {
        let rows = cards.div_ceil(self.columns) as f64;
        (rows * ROW_ESTIMATE_PX + (rows - 1.0).max(0.0) * ROW_GAP_PX).max(0.0)
    }
}

/// The number of columns the stylesheet's grid has in `el` now.
pub fn columns_of(el: &web_sys::Element) -> usize {
    window()
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("grid-template-columns").ok())
        .map(|tracks| tracks.split_whitespace().count())
        .unwrap_or(1)
        .max(1)
}

/// The cards of `group` between `range` (none when either is gone).
fn in_chunk<'a>(b: &'a BoardView, group: &str, range: Range<usize>) -> &'a [InstanceView] {
    b.groups
        .iter()
        .find(|g| g.name == group)
        .and_then(|g| g.instances.get(range))
        .unwrap_or_default()
}

/// The cards of `group` between `range`, keyed by (instance id, content
/// hash): a card is rebuilt only when its pair changes.
fn card_keys(vm: Memo<BoardView>, group: &str, range: Range<usize>) -> Vec<(String, u64)> {
    vm.with(|b| {
        in_chunk(b, group, range)
            .iter()
            .map(|i| (i.id.clone(), i.content_hash()))
            .collect()
    })
}

/// An element watched for coming near the viewport; dropping it stops.
struct Watch {
    observer: IntersectionObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Calls `on_change(is_near_the_viewport, height)` whenever `el` comes within
/// [`DRAW_MARGIN`] of the viewport or leaves it, as long as the [`Watch`]
/// lives.
fn watch(el: &web_sys::Element, on_change: impl Fn(bool, f64) + 'static) -> Option<Watch> {
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        // Only the latest entry counts when several arrive at once.
        if let Some(entry) = entries.iter().last() {
            let entry: IntersectionObserverEntry = entry.unchecked_into();
            on_change(
                entry.is_intersecting(),
                entry.bounding_client_rect().height(),
            );
        }
    });
    let options = IntersectionObserverInit::new();
    options.set_root_margin(DRAW_MARGIN);
    let observer =
        IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options).ok()?;
    observer.observe(el);
    Some(Watch {
        observer,
        _callback: callback,
    })
}

/// One chunk of a group's cards: drawn near the viewport, an empty box of
/// the same height elsewhere. The keyboard drag's target draws and scrolls
/// to its chunk.
#[component]
pub fn Chunk(group: String, index: usize, cut: Cut, cards: Memo<usize>) -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let KbdTarget(target) = expect_context::<KbdTarget>();
    let node = NodeRef::<Div>::new();
    let near = RwSignal::new(false);
    let measured = RwSignal::new(None::<f64>);
    let drawn = move || near.get() || cards.get() <= ALWAYS_DRAWN;
    let observer = StoredValue::new_local(None);
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let handle = watch(&el, move |is_near, height| {
                if !is_near {
                    measured.set(Some(height));
                }
                near.set(is_near);
            });
            observer.set_value(handle);
        }
    });
    on_cleanup(move || drop(observer.try_update_value(Option::take)));
    let holds_target = {
        let group = group.clone();
        Memo::new(move |_| match target.get() {
            Some(Target::Instance(id)) => vm.with_untracked(|b| {
                in_chunk(b, &group, cut.range(index, cards.get()))
                    .iter()
                    .any(|i| i.id == id)
            }),
            _ => false,
        })
    };
    // The keyboard drag went to an instance off screen: bring its chunk in,
    // which draws it (and the card then scrolls itself fully into view).
    Effect::new(move |_| {
        if holds_target.get() && !untrack(drawn) {
            if let Some(el) = node.get_untracked() {
                el.scroll_into_view();
            }
        }
    });
    let min_height = move || {
        if drawn() {
            String::new()
        } else {
            let px = measured
                .get()
                .unwrap_or_else(|| cut.estimate(cut.range(index, cards.get()).len()));
            format!("{px:.0}px")
        }
    };
    let keys = {
        let group = group.clone();
        move || {
            if drawn() {
                card_keys(vm, &group, cut.range(index, cards.get()))
            } else {
                Vec::new()
            }
        }
    };
    let card = move |(id, _): (String, u64)| {
        let inst = vm.with_untracked(|b| {
            in_chunk(b, &group, cut.range(index, cards.get_untracked()))
                .iter()
                .find(|i| i.id == id)
                .cloned()
        });
        inst.map(|i| view! { <InstanceCard inst=i /> })
    };
    let first = move || cut.range(index, cards.get()).start + 1;
    let last = move || cut.range(index, cards.get()).end;
    view! {
        <div
            class="chunk"
            node_ref=node
            style:min-height=min_height
            data-testid="chunk"
            data-drawn=move || drawn().to_string()
            aria-label=move || format!("Instances {} to {}", first(), last())
        >
            <For each=keys key=|pair| pair.clone() children=card />
        </div>
    }
}
