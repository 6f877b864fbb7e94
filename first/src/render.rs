//! The first board as HTML text: the top bar with the plan's name and
//! totals, then each instance group and its instances' cards (memory bar
//! with each task's hard limit, CPU bar, task chips, port map), in the
//! app's own classes so that the page does not change its look when the app
//! takes over. It draws berth-core's view model and computes nothing.
//!
//! Its elements carry `data-testid="first-…"`, not the app's test ids: a
//! test of the app waits for the app, never for this board.

use std::fmt::Write;

use berth_core::app::view::{GroupView, InstanceView, PortKind, Totals};

use crate::format::{mib, pct};

/// At most this many cards are drawn, over all groups: a few screens' worth,
/// as the app's windowed board draws first (issue 21). The rest wait for the
/// app, so that a board of thousands of instances does not hold it up.
const CARDS: usize = 48;

/// Text safe inside an element or a quoted attribute.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // The double and the single quote, by code point.
            '\u{22}' => out.push_str("&quot;"),
            '\u{27}' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page while the app loads; `notice` is (instance, message):
/// why the last drag was refused, shown on that instance's card.
pub fn page(
    plan_name: &str,
    cluster_name: &str,
    totals: &Totals,
    groups: &[GroupView],
    notice: Option<(&str, &str)>,
) -> String {
    let mut out = String::new();
    top_bar(&mut out, plan_name, cluster_name, totals);
    out.push_str(
        "<main class=\"layout\"><aside class=\"sidebar\"><p class=\"muted first-wait\">\
         Services, instance groups and walkthroughs are loading…</p></aside>\
         <section class=\"workspace\"><section class=\"board\" aria-label=\"Cluster board\" \
         data-testid=\"first-board\">",
    );
    let mut room = CARDS;
    for g in groups {
        group(&mut out, g, notice, &mut room);
    }
    out.push_str("</section></section></main>");
    out
}

fn top_bar(out: &mut String, plan_name: &str, cluster_name: &str, t: &Totals) {
    let _ = write!(
        out,
        "<header class=\"topbar\"><div class=\"brand\"><span class=\"logo\" aria-hidden=\"true\">⚓</span>\
         <span class=\"name\">Berth</span><span class=\"tagline\">ECS on EC2 planner — will it fit, \
         and will it deploy?</span></div><div class=\"plan-name\"><span class=\"muted\">plan</span>\
         <strong>{}</strong><span class=\"muted\">cluster</span><code>{}</code></div>\
         <dl class=\"totals\" data-testid=\"first-totals\">",
        esc(plan_name),
        esc(cluster_name)
    );
    let unplaced = if t.unplaced_tasks > 0 {
        " class=\"bad\""
    } else {
        ""
    };
    let items = [
        ("instances", t.instances.to_string(), ""),
        (
            "CPU units",
            format!("{} / {}", t.cpu_reserved, t.cpu_units),
            "",
        ),
        (
            "memory reserved",
            format!("{} / {}", mib(t.memory_reserved), mib(t.memory_registered)),
            "",
        ),
        ("kept by system", mib(t.memory_system), ""),
        ("free", mib(t.memory_free), ""),
        (
            "tasks",
            t.tasks_placed.to_string(),
            " data-testid=\"first-tasks-placed\"",
        ),
        ("unplaced", t.unplaced_tasks.to_string(), unplaced),
        ("on-demand / month", format!("${:.2}", t.monthly_cost), ""),
    ];
    for (term, value, attrs) in items {
        let _ = write!(out, "<div><dt>{term}</dt><dd{attrs}>{value}</dd></div>");
    }
    out.push_str("</dl></header>");
}

/// A group's header and as many of its cards as there is `room` left for.
fn group(out: &mut String, g: &GroupView, notice: Option<(&str, &str)>, room: &mut usize) {
    let estimated = if g.memory_estimated {
        " (estimated)"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<section class=\"group\" data-testid=\"first-group\" data-group=\"{name}\">\
         <header class=\"group-head\"><h2>{name}</h2><span class=\"pill mono\">{} × {}</span>",
        g.count,
        esc(&g.instance_type),
        name = esc(&g.name)
    );
    if g.architecture == "arm64" {
        out.push_str("<span class=\"tag arm\">arm64</span>");
    }
    if g.burstable {
        out.push_str("<span class=\"tag burst\">burstable</span>");
    }
    let _ = write!(
        out,
        "<span class=\"muted\">{} vCPU · {} CPU units · {} registered{estimated}</span></header>\
         <div class=\"instances\"><div class=\"chunk\">",
        g.vcpu,
        g.cpu_units,
        mib(g.registered_memory as u64)
    );
    let shown = g.instances.len().min(*room);
    *room -= shown;
    for inst in &g.instances[..shown] {
        let message = notice.filter(|(id, _)| *id == inst.id).map(|(_, m)| m);
        card(out, inst, message);
    }
    out.push_str("</div>");
    if g.instances.len() > shown {
        let _ = write!(
            out,
            "<p class=\"muted\">{} more instances: drawn when the app has loaded.</p>",
            g.instances.len() - shown
        );
    }
    out.push_str("</div></section>");
}

fn card(out: &mut String, inst: &InstanceView, notice: Option<&str>) {
    let id = esc(&inst.id);
    let _ = write!(
        out,
        "<article class=\"instance\" data-testid=\"first-instance\" data-instance=\"{id}\">\
         <header class=\"instance-head\"><strong>{id}</strong><span class=\"pill mono\">{} · {}</span></header>",
        esc(&inst.instance_type),
        esc(&inst.availability_zone)
    );
    if let Some(message) = notice {
        let _ = write!(
            out,
            "<p class=\"instance-error\" role=\"alert\" data-testid=\"first-instance-error\">{}</p>",
            esc(message)
        );
    }
    let estimated = if inst.memory_estimated { " (est.)" } else { "" };
    let _ = write!(
        out,
        "<div class=\"bar-label\"><span>Memory</span><span class=\"muted\" \
         data-testid=\"first-memory-summary\">{} reserved · {} free of {} registered{estimated}</span></div>",
        mib((inst.registered_memory - inst.free_memory) as u64),
        mib(inst.free_memory as u64),
        mib(inst.registered_memory as u64)
    );
    memory_bar(out, inst);
    cpu_bar(out, inst);
    if inst.registered_gpus > 0 {
        let _ = write!(
            out,
            "<div class=\"bar-label\"><span>GPUs</span><span class=\"muted\">{} of {} free</span></div>",
            inst.free_gpus, inst.registered_gpus
        );
    }
    chips(out, inst);
    ports(out, inst);
    out.push_str("</article>");
}

fn memory_bar(out: &mut String, inst: &InstanceView) {
    let nominal = inst.nominal_memory as f64;
    let _ = write!(
        out,
        "<div class=\"membar\"><div class=\"seg system\" style=\"width:{}\" title=\"kept by the system: {} MiB (not registered)\"></div>",
        pct(inst.system_memory as f64, nominal),
        inst.system_memory
    );
    for m in &inst.memory {
        let limit = m.hard_limit.map_or("none".into(), |l| format!("{l} MiB"));
        let _ = write!(
            out,
            "<div class=\"seg task svc-{} phase-plan\" style=\"width:{}\" title=\"{}: reservation {} MiB, hard limit {limit}\"></div>",
            m.colour,
            pct(m.reservation as f64, nominal),
            esc(&m.label),
            m.reservation
        );
    }
    let _ = write!(
        out,
        "<div class=\"seg free\" style=\"width:{}\" title=\"free: {} MiB\"></div></div><div class=\"limits\" aria-hidden=\"true\">",
        pct(inst.free_memory as f64, nominal),
        inst.free_memory
    );
    // As the app draws them: one lane per task, each bracket from where its
    // reservation starts, cut at the bar's end.
    let lane = 22.0 / (inst.memory.len().max(1) as f64);
    let mut left = inst.system_memory as f64;
    for (k, m) in inst.memory.iter().enumerate() {
        if let Some(l) = m.hard_limit {
            let past = if left + l as f64 > nominal {
                " past-end"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<div class=\"limit svc-{}{past}\" style=\"left:{};width:{};top:{:.2}px;height:{:.2}px\"></div>",
                m.colour,
                pct(left, nominal),
                pct((l as f64).min(nominal - left), nominal),
                k as f64 * lane,
                (lane - 1.0).clamp(1.5, 6.0)
            );
        }
        left += m.reservation as f64;
    }
    let limits = format!(
        "hard limits {} of {} registered",
        mib(inst.hard_limit_total),
        mib(inst.registered_memory as u64)
    );
    if inst.overcommitted {
        let _ = write!(
            out,
            "</div><p class=\"overcommit risk\">⚠ {limits}: overcommitted, a risk under load</p>"
        );
    } else {
        let _ = write!(out, "</div><p class=\"overcommit\">{limits}</p>");
    }
}

fn cpu_bar(out: &mut String, inst: &InstanceView) {
    let total = inst.registered_cpu as f64;
    let _ = write!(
        out,
        "<div class=\"bar-label\"><span>CPU units</span><span class=\"muted\">{} of {} free</span></div><div class=\"cpubar\">",
        inst.free_cpu, inst.registered_cpu
    );
    for (label, colour, cpu) in &inst.cpu {
        let _ = write!(
            out,
            "<div class=\"seg task svc-{colour}\" style=\"width:{}\" title=\"{}: {cpu} CPU units\"></div>",
            pct(*cpu as f64, total),
            esc(label)
        );
    }
    let _ = write!(
        out,
        "<div class=\"seg free\" style=\"width:{}\" title=\"free: {} CPU units\"></div></div>",
        pct(inst.free_cpu as f64, total),
        inst.free_cpu
    );
}

/// A service's chip can be dragged to another instance; a standalone task's
/// and a daemon's (◆) stay, as on the app's board.
fn chips(out: &mut String, inst: &InstanceView) {
    out.push_str("<ul class=\"chips\">");
    for t in &inst.tasks {
        let service = t.service.as_deref().filter(|_| !t.daemon);
        let drag = match service {
            Some(s) => format!(" draggable=\"true\" data-service=\"{}\"", esc(s)),
            None => " draggable=\"false\"".into(),
        };
        let (class, title) = if t.daemon {
            (
                " daemon",
                "daemon: ECS runs one on each instance that meets its constraints",
            )
        } else if t.pinned {
            (" pinned", "pinned to this instance")
        } else {
            ("", "placed by the scheduler")
        };
        let _ = write!(
            out,
            "<li class=\"chip svc-{} phase-plan{class}\" data-testid=\"first-chip\"{drag} title=\"{title}\">{}{}{}</li>",
            t.colour,
            if t.daemon { "◆ " } else { "" },
            esc(&t.label),
            if t.pinned { " 📌" } else { "" }
        );
    }
    out.push_str("</ul>");
}

fn ports(out: &mut String, inst: &InstanceView) {
    let enis = if inst.eni_capacity > 0 && inst.enis_used > 0 {
        format!(" · ENIs {}/{}", inst.enis_used, inst.eni_capacity)
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "<details class=\"ports\"><summary>Port map · {} host ports in use{enis}</summary><table><thead><tr>\
         <th>host</th><th>proto</th><th>kind</th><th>→ task / container</th></tr></thead><tbody>",
        inst.ports.len()
    );
    for p in &inst.ports {
        let kind = match p.kind {
            PortKind::Reserved => "reserved",
            PortKind::Static => "static",
            PortKind::Dynamic => "dynamic",
        };
        let holder = match (&p.owner, p.container_port) {
            (Some(o), Some(c)) => format!("{} : {c}", esc(o)),
            _ => "ECS agent / host".to_string(),
        };
        let _ = write!(
            out,
            "<tr class=\"{kind}\"><td class=\"mono\">{}</td><td>{}</td><td><span class=\"kind {kind}\">{kind}</span></td><td>{holder}</td></tr>",
            p.host_port,
            p.protocol.as_str()
        );
    }
    out.push_str("</tbody></table></details>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_core::app::view::board_with;
    use berth_core::{load_plan, place};

    fn page_for(count: u32) -> String {
        page_for_groups(&[count])
    }

    /// The example with groups of these sizes (the first is the example's).
    fn page_for_groups(counts: &[u32]) -> String {
        let mut plan = load_plan(include_str!("../../public/examples/microtrader.json")).unwrap();
        let first = plan.cluster.instance_groups[0].clone();
        plan.cluster.instance_groups = counts
            .iter()
            .enumerate()
            .map(|(k, &count)| {
                let mut g = first.clone();
                g.count = count;
                if k > 0 {
                    g.name = format!("more{k}");
                }
                g
            })
            .collect();
        plan.name = "<b>&\"quoted\"</b>".into();
        let placement = place(&plan);
        let board = board_with(&plan, &placement);
        page(
            &plan.name,
            &plan.cluster.cluster_name,
            &board.totals,
            &board.groups,
            Some(("app-1", "RESOURCE:MEMORY")),
        )
    }

    #[test]
    fn text_is_escaped() {
        let html = page_for(2);
        assert!(html.contains("&lt;b&gt;&amp;&quot;quoted&quot;&lt;/b&gt;"));
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn every_instance_is_a_card_up_to_the_cut_and_the_rest_are_counted() {
        let cards = |html: &str| html.matches("data-testid=\"first-instance\"").count();
        assert_eq!(cards(&page_for(3)), 3);
        let many = page_for(60);
        assert_eq!(cards(&many), CARDS);
        assert!(many.contains(&format!("{} more instances", 60 - CARDS)));
        // The cut is over all groups: the second gets what the first left.
        let two = page_for_groups(&[40, 40]);
        assert_eq!(cards(&two), CARDS);
        assert!(two.contains(&format!("{} more instances", 80 - CARDS)));
    }

    #[test]
    fn a_refusal_is_shown_on_its_instance_only() {
        let html = page_for(2);
        assert_eq!(html.matches("first-instance-error").count(), 1);
        let app_1 = html.find("data-instance=\"app-1\"").unwrap();
        let app_2 = html.find("data-instance=\"app-2\"").unwrap();
        let error = html.find("first-instance-error").unwrap();
        assert!(app_1 < error && error < app_2);
    }
}
