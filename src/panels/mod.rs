//! The side panels: cluster (totals, groups, instance-type picker), the
//! service palette and its form, the tray of unplaced tasks, and insights
//! (JVM, load-balancer targets, charts), export and import.
//!
//! One file per panel: `totals`, `cluster` (and its `picker`), `palette`,
//! `service_form`, `rebalance` (above the board), `tray`, `insights`,
//! `export` and `import` (the two that run in the lazily loaded exchange
//! module).

mod cluster;
mod export;
mod import;
mod insights;
mod palette;
mod parameter_form;
mod picker;
mod rebalance;
mod right_size;
mod service_form;
mod totals;
mod tray;

pub use cluster::ClusterPanel;
pub use export::ExportPanel;
pub use import::ImportBox;
pub use insights::Insights;
pub use palette::Palette;
pub use rebalance::Rebalance;
pub use totals::TotalsBar;
pub use tray::Tray;
