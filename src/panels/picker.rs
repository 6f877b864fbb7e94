//! The instance-type picker, as the instance-price sites lay one out:
//! sortable columns, filters, the price's basis stated, and each type
//! marked with what fits, which the core works out by placing the plan.

use berth_core::app::edit::Edit;
use berth_core::app::view::{
    families, picker_rows, CatalogueRow, PickerQuery, PickerRows, PickerTarget, SortBy, PRICE_BASIS,
};
use leptos::prelude::*;

use crate::format::mib;
use crate::store::{use_store, Store};

/// The sortable columns: their heading and what they sort by.
const COLUMNS: [(&str, SortBy); 6] = [
    ("type", SortBy::Name),
    ("vCPU", SortBy::Vcpu),
    ("memory", SortBy::Memory),
    ("registered", SortBy::RegisteredMemory),
    ("ENIs", SortBy::Enis),
    ("$/month", SortBy::Price),
];

/// The filters as typed. Owned by the picker.
#[derive(Clone, Copy)]
struct Filters {
    text: RwSignal<String>,
    family: RwSignal<String>,
    arch: RwSignal<String>,
    min_vcpu: RwSignal<u32>,
    min_memory_gib: RwSignal<u32>,
    min_generation: RwSignal<u32>,
    fits_only: RwSignal<bool>,
    sort: RwSignal<SortBy>,
    descending: RwSignal<bool>,
}

impl Filters {
    fn new() -> Filters {
        Filters {
            text: RwSignal::new(String::new()),
            family: RwSignal::new(String::new()),
            arch: RwSignal::new(String::new()),
            min_vcpu: RwSignal::new(0),
            min_memory_gib: RwSignal::new(0),
            min_generation: RwSignal::new(0),
            fits_only: RwSignal::new(false),
            sort: RwSignal::new(SortBy::Name),
            descending: RwSignal::new(false),
        }
    }

    fn query(self) -> PickerQuery {
        let chosen = |s: RwSignal<String>| Some(s.get()).filter(|v| !v.is_empty());
        PickerQuery {
            text: self.text.get(),
            family: chosen(self.family),
            architecture: chosen(self.arch),
            min_vcpu: self.min_vcpu.get(),
            min_memory_mib: self.min_memory_gib.get().saturating_mul(1024),
            min_generation: self.min_generation.get(),
            fits_only: self.fits_only.get(),
            sort: self.sort.get(),
            descending: self.descending.get(),
            limit: 30,
        }
    }

    /// A click on a column's heading: sort by it, or turn the order round.
    fn sort_by(self, by: SortBy) {
        if self.sort.get_untracked() == by {
            self.descending.update(|d| *d = !*d);
        } else {
            self.sort.set(by);
            self.descending.set(false);
        }
    }
}

/// A whole number from a filter field; empty or not a number is 0 (no filter).
fn whole(ev: &leptos::ev::Event) -> u32 {
    event_target_value(ev).trim().parse().unwrap_or(0)
}

/// `target`: which group the picker changes the type of (None: it adds a
/// group); `open`: whether it is on screen, which it closes once a type is
/// picked.
#[component]
pub fn Picker(target: RwSignal<Option<String>>, open: RwSignal<bool>) -> impl IntoView {
    let store = use_store();
    let filters = Filters::new();
    let count = RwSignal::new(1u32);
    // Worked out only while the picker is open: each row may place the
    // whole plan, which a drag on the board must not wait for.
    let picked = Memo::new(move |_| {
        if !open.get() {
            return PickerRows {
                rows: Vec::new(),
                total: 0,
                fits_plan_checked: false,
            };
        }
        let q = filters.query();
        let to = match target.get() {
            Some(g) => PickerTarget::Group(g),
            None => PickerTarget::NewGroup(count.get().max(1)),
        };
        store.plan.with(|p| picker_rows(p, &to, &q))
    });
    view! {
        <div class="picker" data-testid="picker">
            <h3>
                {move || match target.get() {
                    Some(g) => format!("Instance type for {g}"),
                    None => "Add an instance group".to_string(),
                }}
            </h3>
            <FilterFields filters=filters />
            <div class="picker-actions">
                <Show when=move || target.get().is_none()>
                    <label class="count">
                        <span>"count"</span>
                        <input
                            type="number"
                            min="1"
                            max="5000"
                            prop:value=move || count.get().to_string()
                            on:input=move |ev| count.set(whole(&ev).max(1))
                        />
                    </label>
                </Show>
                <button
                    class="link"
                    data-testid="picker-close"
                    on:click=move |_| {
                        target.set(None);
                        open.set(false);
                    }
                >
                    "close"
                </button>
            </div>
            <p class="muted price-basis" data-testid="price-basis">
                {PRICE_BASIS}
                ". ✓ plan: every task is placed with this type; ✓ task: one instance holds \
                 each task, the plan needs more."
            </p>
            <div class="picker-table">
                <table>
                    <thead>
                        <tr>
                            <th></th>
                            {COLUMNS
                                .into_iter()
                                .map(|(heading, by)| view! { <SortHeading heading by filters /> })
                                .collect_view()}
                            <th>"fits"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            picked
                                .get()
                                .rows
                                .into_iter()
                                .map(|r| picker_row(store, r, (target, open), count))
                                .collect_view()
                        }}
                    </tbody>
                </table>
                <p class="muted" data-testid="picker-count">
                    {move || {
                        let p = picked.get();
                        let unchecked = if p.fits_plan_checked {
                            ""
                        } else {
                            "; too many tasks to place the whole plan for each row"
                        };
                        format!("showing {} of {} matching types{unchecked}", p.rows.len(), p.total)
                    }}
                </p>
            </div>
        </div>
    }
}

/// A column's heading: a button that sorts by it, marked with the order.
#[component]
fn SortHeading(heading: &'static str, by: SortBy, filters: Filters) -> impl IntoView {
    let sorted = move || filters.sort.get() == by;
    let aria = move || match (sorted(), filters.descending.get()) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    let arrow = move || match (sorted(), filters.descending.get()) {
        (false, _) => "",
        (true, false) => " ▲",
        (true, true) => " ▼",
    };
    view! {
        <th aria-sort=aria>
            <button
                class="sort"
                data-testid=format!("sort-{}", heading.trim_start_matches("$/"))
                on:click=move |_| filters.sort_by(by)
            >
                {heading}
                {arrow}
            </button>
        </th>
    }
}

/// The filter fields: name, family, architecture, least vCPU, memory and
/// generation, and "fits only".
#[component]
fn FilterFields(filters: Filters) -> impl IntoView {
    let all_families = families();
    view! {
        <div class="picker-filters">
            <input
                type="search"
                placeholder="Search 1,364 types, e.g. t3.medium"
                aria-label="search instance types"
                data-testid="picker-search"
                prop:value=move || filters.text.get()
                on:input=move |ev| filters.text.set(event_target_value(&ev))
            />
            <select
                aria-label="family"
                on:change=move |ev| filters.family.set(event_target_value(&ev))
            >
                <option value="">"all families"</option>
                {all_families
                    .into_iter()
                    .map(|f| view! { <option value=f.clone()>{f.clone()}</option> })
                    .collect_view()}
            </select>
            <select
                aria-label="architecture"
                data-testid="picker-arch"
                on:change=move |ev| filters.arch.set(event_target_value(&ev))
            >
                <option value="">"any arch"</option>
                <option value="x86_64">"x86_64"</option>
                <option value="arm64">"arm64"</option>
            </select>
            <AtLeast label="min vCPU" testid="picker-min-vcpu" value=filters.min_vcpu />
            <AtLeast
                label="min memory GiB"
                testid="picker-min-memory"
                value=filters.min_memory_gib
            />
            <AtLeast
                label="generation ≥"
                testid="picker-min-generation"
                value=filters.min_generation
            />
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="picker-fits-only"
                    on:change=move |ev| filters.fits_only.set(event_target_checked(&ev))
                />
                <span>"only types that hold each task"</span>
            </label>
        </div>
    }
}

/// A "this much at least" filter: empty or not a number is no filter.
#[component]
fn AtLeast(label: &'static str, testid: &'static str, value: RwSignal<u32>) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input
                type="number"
                min="0"
                data-testid=testid
                on:input=move |ev| value.set(whole(&ev))
            />
        </label>
    }
}

/// One instance type in the picker: the button that adds a group of it
/// (or gives the chosen group this type) first, so a phone never clips it,
/// then its facts and what fits.
fn picker_row(
    store: Store,
    r: CatalogueRow,
    (target, open): (RwSignal<Option<String>>, RwSignal<bool>),
    count: RwSignal<u32>,
) -> impl IntoView {
    let name = r.name.clone();
    let pick = move |_| {
        let edit = match target.get_untracked() {
            Some(group) => Edit::SetGroupType {
                group,
                instance_type: name.clone(),
            },
            None => Edit::AddGroup {
                instance_type: name.clone(),
                count: count.get_untracked().max(1),
            },
        };
        if store.dispatch(edit).is_ok() {
            target.set(None);
            open.set(false);
        }
    };
    let estimated = r.estimated.then(|| {
        view! {
            <span class="estimated" title="estimated from nominal memory">
                " est."
            </span>
        }
    });
    let price = r
        .price_per_month
        .map_or("—".to_string(), |p| format!("{p:.2}"));
    let hourly = r.price_per_hour.map_or("no price listed".to_string(), |p| {
        format!("${p:.4} an hour")
    });
    let (fits, fits_class, fits_title) = match (r.fits_plan, r.fits_largest_task) {
        (Some(true), _) => ("✓ plan", "fits", "every task of the plan is placed"),
        (_, true) => ("✓ task", "task", "one instance holds each task"),
        (_, false) => ("✗", "no", "a task needs more than one instance has"),
    };
    view! {
        <tr data-testid="picker-row" data-type=r.name.clone()>
            <td>
                <button class="small" data-testid="pick" on:click=pick>
                    {move || if target.get().is_some() { "use" } else { "add" }}
                </button>
            </td>
            <td class="mono">
                {r.name.clone()}
                {(r.architecture == "arm64")
                    .then(|| view! { <span class="tag arm">"arm64"</span> })}
                {r
                    .burstable
                    .then(|| {
                        view! {
                            <span class="tag burst" title="burstable: CPU credits">
                                "burst"
                            </span>
                        }
                    })}
            </td>
            <td>{r.vcpu}</td>
            <td>{mib(r.memory as u64)}</td>
            <td>{mib(r.registered_memory as u64)}{estimated}</td>
            <td>{r.max_enis}</td>
            <td title=hourly data-testid="monthly-price">
                {price}
            </td>
            <td class=format!("fits-mark {fits_class}") title=fits_title data-testid="fits">
                {fits}
            </td>
        </tr>
    }
}
