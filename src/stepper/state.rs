//! The stepper's state: the form's fields, and the simulation on screen.

use berth_core::simulate::{Change, Deployment};
use berth_core::Plan;
use leptos::prelude::*;

/// A simulation on screen. Owned by the App (the board reads it); the
/// stepper writes it.
#[derive(Clone, PartialEq)]
pub struct Simulation {
    pub run: Deployment,
    pub step: usize,
    pub title: String,
}

/// The form's fields, as typed. Owned by the App: the stepper edits them and
/// a walkthrough step sets them to the deployment it runs.
#[derive(Clone, Copy)]
pub struct Settings {
    pub(super) service: RwSignal<String>,
    pub(super) tag: RwSignal<String>,
    pub(super) min: RwSignal<u32>,
    pub(super) max: RwSignal<u32>,
    pub(super) failing: RwSignal<bool>,
    pub(super) new_memory: RwSignal<String>,
    pub(super) new_cpu: RwSignal<String>,
    pub(super) new_port: RwSignal<String>,
    pub(super) desired_for_scale: RwSignal<String>,
}

impl Settings {
    /// The form for `plan`: its first service, with that service's own
    /// percentages.
    pub fn new(plan: &Plan) -> Settings {
        let first = plan.services.first();
        Settings {
            service: RwSignal::new(first.map(|s| s.service_name.clone()).unwrap_or_default()),
            tag: RwSignal::new(String::new()),
            min: RwSignal::new(
                first.map_or(100, |s| s.deployment_configuration.minimum_healthy_percent),
            ),
            max: RwSignal::new(first.map_or(200, |s| s.deployment_configuration.maximum_percent)),
            failing: RwSignal::new(false),
            new_memory: RwSignal::new(String::new()),
            new_cpu: RwSignal::new(String::new()),
            new_port: RwSignal::new(String::new()),
            desired_for_scale: RwSignal::new(String::new()),
        }
    }

    /// Chooses `name`, starting the percentages from its own deployment
    /// configuration.
    pub(super) fn choose(self, plan: &Plan, name: &str) {
        self.service.set(name.to_string());
        if let Some(dc) = plan.service(name).map(|s| &s.deployment_configuration) {
            self.min.set(dc.minimum_healthy_percent);
            self.max.set(dc.maximum_percent);
        }
    }

    /// Keeps the form on a service the plan has: when the chosen one is
    /// gone (deleted, renamed, or the plan replaced by an import, a
    /// walkthrough or undo), the plan's first service is chosen, or none.
    pub(super) fn follow_plan(self, plan: RwSignal<Plan>) {
        Effect::new(move |_| {
            plan.with(|p| {
                let name = self.service.get_untracked();
                if p.service(&name).is_none() {
                    let first = p
                        .services
                        .first()
                        .map(|s| s.service_name.clone())
                        .unwrap_or_default();
                    self.choose(p, &first);
                }
            })
        });
    }

    /// A walkthrough's deployment, shown in the form as it runs.
    pub fn show_deployment(self, service: &str, tag: &str, min: u32, max: u32, failing: bool) {
        self.service.set(service.to_string());
        self.tag.set(tag.to_string());
        self.min.set(min);
        self.max.set(max);
        self.failing.set(failing);
    }

    /// The change the form describes; empty fields change nothing.
    pub(super) fn change(self) -> Change {
        let number = |v: String| v.trim().parse::<u32>().ok();
        Change {
            image: Some(self.tag.get_untracked())
                .filter(|t| !t.trim().is_empty())
                .map(|t| format!(":{}", t.trim())),
            memory: number(self.new_memory.get_untracked()),
            cpu: number(self.new_cpu.get_untracked()),
            host_port: number(self.new_port.get_untracked()).and_then(|p| u16::try_from(p).ok()),
            ..Change::default()
        }
    }
}
