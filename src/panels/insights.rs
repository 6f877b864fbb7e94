//! The JVM panel, load-balancer targets and the usage chart.

use berth_core::app::edit::Edit;
use berth_core::app::view::{Board as BoardView, JvmView};
use berth_core::model::jvm_assumptions::DEFAULT_CODE_CACHE_MIB;
use berth_core::model::JvmAssumptions;
use berth_core::rules::jvm::Severity;
use leptos::prelude::*;

use crate::store::use_store;

#[component]
pub fn Insights() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let crate::charts::ChartWidth(chart_width) = expect_context();
    view! {
        <div class="insights">
            <section class="panel" aria-labelledby="jvm-h">
                <h2 id="jvm-h">"JVM memory"</h2>
                <p class="muted">
                    "What each JVM may use, heap and the rest, against its container's hard \
                     limit."
                </p>
                <Why />
                {move || {
                    vm.with(|b| b.jvm.clone())
                        .into_iter()
                        .map(|j| view! { <JvmCard j=j /> })
                        .collect_view()
                }}
            </section>
            <section class="panel" aria-labelledby="lb-h">
                <h2 id="lb-h">"Load-balancer targets"</h2>
                {move || {
                    vm.with(|b| b.targets.clone())
                        .into_iter()
                        .map(|t| {
                            view! {
                                <div class="targets" data-testid="targets">
                                    <strong>{t.service.clone()}</strong>
                                    <span class="muted">
                                        {format!(
                                            " HTTP:80/* → container port {}",
                                            t.container_port,
                                        )}
                                    </span>
                                    <ul>
                                        {t
                                            .targets
                                            .into_iter()
                                            .map(|a| view! { <li class="mono">{a}</li> })
                                            .collect_view()}
                                    </ul>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </section>
            <section class="panel chart" aria-labelledby="chart-h">
                <h2 id="chart-h">"Use by service"</h2>
                <div
                    class="svg"
                    data-testid="usage-chart"
                    inner_html=move || {
                        let width = chart_width.get();
                        vm.with(|b| crate::charts::usage_svg(
                            &b.usage,
                            b.totals.memory_registered,
                            b.totals.cpu_units,
                            width,
                        ))
                    }
                ></div>
            </section>
        </div>
    }
}

/// Percent of `scale`, as a CSS length.
fn pct(v: f64, scale: f64) -> String {
    format!("{:.3}%", v / scale * 100.0)
}

/// Why the JVM panel says what it says: the rule of thumb in plain words,
/// where its defaults come from, and what red and amber mean.
#[component]
fn Why() -> impl IntoView {
    view! {
        <details class="why" data-testid="jvm-why">
            <summary>"Why these numbers?"</summary>
            <p>
                "A JVM uses more than its heap (-Xmx): metaspace (-XX:MaxMetaspaceSize, \
                 else 100 MiB), a stack for each thread (-Xss, 1 MiB by default), the JIT's \
                 code cache (-XX:ReservedCodeCacheSize, else 240 MiB), direct buffers \
                 (-XX:MaxDirectMemorySize, else 10 MiB, as Cloud Foundry's memory calculator \
                 assumes) and memory for the garbage collector and other native uses (here a \
                 tenth of the heap, at least 64 MiB). When all of it passes the container's \
                 hard limit, the kernel kills the container (exit 137)."
            </p>
            <p>
                "This is a rule of thumb, not a measurement. How many threads your service \
                 runs and how large its code cache grows are assumptions: change them on a \
                 card. Red means the flags alone decide it (a heap as large as the limit, or \
                 options the JVM refuses); amber is a risk that rests on the assumptions, or a \
                 heap over 75 % of the limit, or no limit at all."
            </p>
        </details>
    }
}

/// The card's assumptions: threads (always an assumption) and the code
/// cache (unless the container sets it), each saved to the plan on change.
#[component]
fn Assumptions(
    family: String,
    container: String,
    threads: u32,
    code_cache: Option<u32>,
) -> impl IntoView {
    let store = use_store();
    // Owned here: the refusal of the last change, shown under the inputs.
    let error = RwSignal::new(None::<String>);
    let key = format!("{family}/{container}");
    let save = move |threads: u32, code_cache_mib: u32| {
        let edit = Edit::SetJvmAssumptions {
            family: family.clone(),
            container: container.clone(),
            assumptions: JvmAssumptions {
                threads,
                code_cache_mib,
            },
        };
        error.set(store.dispatch(edit).err().map(|e| e.message));
    };
    let number = |ev: &leptos::ev::Event| event_target_value(ev).trim().parse::<u32>().unwrap_or(0);
    let cache_now = code_cache.unwrap_or(DEFAULT_CODE_CACHE_MIB);
    let save_threads = save.clone();
    let cache_key = key.clone();
    let cache_input = code_cache.map(|mib| {
        view! {
            " · code cache "
            <input
                type="number"
                min="1"
                max="2048"
                prop:value=mib.to_string()
                aria-label=format!("code cache assumed for {cache_key}, MiB")
                data-testid="jvm-code-cache"
                on:change=move |ev| save(threads, number(&ev))
            />
            " MiB"
        }
    });
    view! {
        <p class="assumptions" data-testid="jvm-assumptions">
            "Assumes "
            <input
                type="number"
                min="1"
                max="100000"
                prop:value=threads.to_string()
                aria-label=format!("threads assumed for {key}")
                data-testid="jvm-threads"
                on:change=move |ev| save_threads(number(&ev), cache_now)
            />
            " threads"
            {cache_input}
        </p>
        {move || {
            error
                .get()
                .map(|e| {
                    view! {
                        <p class="error" data-testid="jvm-assumption-error">
                            {e}
                        </p>
                    }
                })
        }}
    }
}

/// One container's JVM check: the parts stacked against its hard limit, a
/// legend, the first finding, and the assumptions it rests on.
#[component]
fn JvmCard(j: JvmView) -> impl IntoView {
    let limit = j.hard_limit.map(|l| l as f64).unwrap_or(j.required);
    let scale = j.required.max(limit).max(1.0);
    let sev = match j.severity {
        Severity::Red => "red",
        Severity::Amber => "amber",
        Severity::Ok => "ok",
    };
    let of = j
        .hard_limit
        .map_or("no limit".into(), |l| format!("{l} MiB"));
    let mut acc = 0.0;
    let parts = j
        .parts
        .iter()
        .enumerate()
        .map(|(k, (label, v))| {
            let left = acc;
            acc += v;
            let danger = j.hard_limit.is_some_and(|l| acc > l as f64);
            view! {
                <div
                    class=format!("part p{k}")
                    class:danger=danger
                    style:left=pct(left, scale)
                    style:width=pct(*v, scale)
                    title=format!("{label}: {v:.0} MiB")
                    tabindex="0"
                ></div>
            }
        })
        .collect_view();
    let limit_mark = j.hard_limit.map(|l| {
        view! {
            <div
                class="jvm-limit"
                style:left=pct(l as f64, scale)
                title=format!("hard limit {l} MiB")
            ></div>
        }
    });
    let legend = j
        .parts
        .iter()
        .enumerate()
        .map(|(k, (label, v))| {
            view! {
                <li>
                    <span class=format!("key p{k}")></span>
                    {format!("{label} {v:.0}")}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class=format!("jvm {sev}") data-testid="jvm">
            <div class="jvm-head">
                <strong>{format!("{} / {}", j.task_definition, j.container)}</strong>
                <span class=format!("badge {sev}")>{sev}</span>
                <span class="muted">{format!("needs ≈ {:.0} MiB of {of}", j.required)}</span>
            </div>
            <div class="jvmbar">{parts}{limit_mark}</div>
            <ul class="legend">{legend}</ul>
            <p class="finding">{j.findings.first().cloned().unwrap_or_default()}</p>
            <Assumptions
                family=j.task_definition.clone()
                container=j.container.clone()
                threads=j.threads
                code_cache=(!j.code_cache_from_flag).then_some(j.code_cache_mib.round() as u32)
            />
        </div>
    }
}
