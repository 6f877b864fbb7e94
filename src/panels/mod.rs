//! The side panels: cluster (totals, groups, instance-type picker), the
//! service palette and its form, the tray of unplaced tasks, and insights
//! (JVM, load-balancer targets, charts).
//!
//! One file per panel: `totals`, `cluster` (with the picker), `palette`,
//! `service_form`, `tray`, `insights`.

mod cluster;
mod insights;
mod palette;
mod service_form;
mod totals;
mod tray;

pub use cluster::ClusterPanel;
pub use insights::Insights;
pub use palette::Palette;
pub use totals::TotalsBar;
pub use tray::Tray;
