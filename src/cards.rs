//! Cards for the first page: groups, services, totals and instances. They
//! only format what berth-core computed.

use berth_core::report::PlaceReport;
use berth_core::view::{Board, GroupCard, ServiceCard};
use leptos::prelude::*;

fn mib(v: u64) -> String {
    if v >= 10 * 1024 {
        format!("{:.1} GiB", v as f64 / 1024.0)
    } else {
        format!("{v} MiB")
    }
}

#[component]
pub fn Totals(board: Board) -> impl IntoView {
    let used_mem = board.total_memory - board.free_memory;
    let used_cpu = board.total_cpu - board.free_cpu;
    view! {
        <dl class="totals" data-testid="totals">
            <div><dt>"Instances"</dt><dd>{board.instance_count}</dd></div>
            <div><dt>"CPU units"</dt><dd>{format!("{used_cpu} / {}", board.total_cpu)}</dd></div>
            <div><dt>"Memory reserved"</dt><dd>{format!("{} / {}", mib(used_mem), mib(board.total_memory))}</dd></div>
            <div><dt>"Free memory"</dt><dd>{mib(board.free_memory)}</dd></div>
            <div><dt>"On-demand / month"</dt><dd>{format!("${:.2}", board.monthly_cost)}</dd></div>
        </dl>
    }
}

#[component]
pub fn GroupCards(groups: Vec<GroupCard>) -> impl IntoView {
    view! {
        <ul class="cards">
            {groups.into_iter().map(|g| view! {
                <li class="card group-card" data-testid="group-card">
                    <div class="card-title">
                        <strong>{g.name.clone()}</strong>
                        <span class="pill">{format!("{} × {}", g.count, g.instance_type)}</span>
                    </div>
                    <dl class="facts">
                        <div><dt>"vCPU"</dt><dd>{g.vcpu}</dd></div>
                        <div><dt>"CPU units"</dt><dd>{g.cpu_units}</dd></div>
                        <div><dt>"Memory"</dt><dd>{mib(g.nominal_memory as u64)}</dd></div>
                        <div>
                            <dt>"Registered"</dt>
                            <dd data-testid="registered-memory">
                                {mib(g.registered_memory as u64)}
                                {g.memory_estimated.then(|| view! { <span class="estimated" title="estimated from nominal memory">" est."</span> })}
                            </dd>
                        </div>
                        <div><dt>"Per month"</dt><dd>{g.monthly_cost.map_or("—".to_string(), |c| format!("${c:.2}"))}</dd></div>
                    </dl>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn ServiceCards(services: Vec<ServiceCard>) -> impl IntoView {
    view! {
        <ul class="cards">
            {services.into_iter().map(|s| {
                let status = if s.unplaced > 0 { "status bad" } else { "status ok" };
                view! {
                    <li class="card service-card" data-testid="service-card">
                        <div class="card-title">
                            <strong>{s.name.clone()}</strong>
                            <span class="pill">{s.network_mode.clone()}</span>
                        </div>
                        <dl class="facts">
                            <div><dt>"CPU units"</dt><dd>{s.cpu}</dd></div>
                            <div><dt>"Reservation"</dt><dd>{mib(s.memory_reservation as u64)}</dd></div>
                            <div><dt>"Hard limit"</dt><dd>{s.hard_limit.map_or("none".to_string(), |l| mib(l as u64))}</dd></div>
                            <div><dt>"Ports"</dt><dd>{if s.ports.is_empty() { "—".to_string() } else { s.ports.join(", ") }}</dd></div>
                        </dl>
                        <p class=status>{format!("{} of {} tasks placed", s.placed, s.desired_count)}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn InstanceList(report: PlaceReport) -> impl IntoView {
    view! {
        <ul class="cards instances">
            {report.instances.into_iter().map(|i| {
                let used = i.registered.memory - i.remaining.memory;
                let pct = if i.registered.memory == 0 { 0.0 } else { used as f64 * 100.0 / i.registered.memory as f64 };
                view! {
                    <li class="card instance-card" data-testid="instance-card">
                        <div class="card-title">
                            <strong>{i.id.clone()}</strong>
                            <span class="pill">{format!("{} · {}", i.instance_type, i.availability_zone)}</span>
                        </div>
                        <div class="meter" role="img" aria-label=format!("{used} of {} MiB reserved", i.registered.memory)>
                            <div class="meter-fill" style=format!("width:{pct:.1}%")></div>
                        </div>
                        <p class="muted">{format!("{used} / {} MiB reserved · {} / {} CPU units free",
                            i.registered.memory, i.remaining.cpu, i.registered.cpu)}</p>
                        <ul class="tasks">
                            {i.tasks.into_iter().map(|t| view! {
                                <li>
                                    <span>{t.owner.name().to_string()}</span>
                                    <span class="muted">{t.host_ports.iter().map(|h| format!("{}→{}", h.host_port, h.container_port)).collect::<Vec<_>>().join(" ")}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
