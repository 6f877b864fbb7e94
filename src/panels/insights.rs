//! The JVM panel, load-balancer targets and the usage chart.

use berth_core::app::view::{Board as BoardView, JvmView};
use berth_core::rules::jvm::Severity;
use leptos::prelude::*;

#[component]
pub fn Insights() -> impl IntoView {
    let vm = expect_context::<Memo<BoardView>>();
    let crate::charts::ChartWidth(chart_width) = expect_context();
    view! {
        <div class="insights">
            <section class="panel" aria-labelledby="jvm-h">
                <h2 id="jvm-h">"JVM memory"</h2>
                <p class="muted">
                    "A heuristic (§7.5): heap, metaspace and the rest against the container's \
                     hard limit."
                </p>
                {move || { vm.with(|b| b.jvm.clone()).into_iter().map(jvm_card).collect_view() }}
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

/// One container's JVM check: the parts stacked against its hard limit, a
/// legend and the first finding.
fn jvm_card(j: JvmView) -> impl IntoView {
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
        </div>
    }
}
