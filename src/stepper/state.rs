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

/// The form's fields, as typed.
#[derive(Clone, Copy)]
pub(super) struct Settings {
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
    pub(super) fn new(service: String) -> Settings {
        Settings {
            service: RwSignal::new(service),
            tag: RwSignal::new(String::new()),
            min: RwSignal::new(100),
            max: RwSignal::new(200),
            failing: RwSignal::new(false),
            new_memory: RwSignal::new(String::new()),
            new_cpu: RwSignal::new(String::new()),
            new_port: RwSignal::new(String::new()),
            desired_for_scale: RwSignal::new(String::new()),
        }
    }

    /// Whenever the chosen service changes, start the percentages from that
    /// service's own deployment configuration.
    pub(super) fn follow_service(self, plan: RwSignal<Plan>) {
        Effect::new(move |_| {
            let name = self.service.get();
            let configured = plan
                .with_untracked(|p| p.service(&name).map(|s| s.deployment_configuration.clone()));
            if let Some(dc) = configured {
                self.min.set(dc.minimum_healthy_percent);
                self.max.set(dc.maximum_percent);
            }
        });
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
