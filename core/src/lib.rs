//! berth-core: the pure planner behind Berth.
//!
//! Everything Berth shows is decided here; the web app and the CLI are shells
//! that call into this crate and draw or print what it returns. No UI, no IO,
//! no hidden state: the same plan always gives the same answer, and a cache
//! (such as [`placement::Placer`]) belongs to the caller.
//!
//! The folders follow the pipeline a plan goes through:
//!
//! ```text
//!  text ─▶ input ─▶ model ─▶ placement ─▶ simulate      rules (validate, JVM)
//!          (load,   (Plan,   (ledger,     (rolling,      read model + placement
//!          caps,    catalogue, strategies, scale,
//!          import,  cluster, constraints, run-task)     cfn (parameters, export,
//!          share)   units)   reasons)                    template) reads model
//!                                  │
//!                                  ▼
//!                app: edit · view (board) · report · compare · walkthrough · exchange
//!                                  │
//!                        web app (src/) · CLI (cli/)
//! ```
//!
//! - [`model`]: the plan file (ECS's own JSON names) and the facts it is read
//!   against: instance catalogue, container instances, task needs, units.
//! - [`input`]: reading plans, share links, task definitions and templates,
//!   with one error type ([`LoadError`]) naming the JSON path at fault; caps.
//! - [`placement`]: where ECS would put each task and why it would not.
//! - [`simulate`]: rolling deployments, scaling and run-task, step by step.
//! - [`rules`]: register-time validation and the JVM check, as findings with
//!   stable codes.
//! - [`cfn`]: CloudFormation parameters, export formats and the template.
//! - [`recommend`]: right-sizing, the cheapest clusters of one type that place
//!   every task and let each service deploy, tried through placement and
//!   simulate.
//! - [`app`]: what the shells call: edits, the board's view model, reports.
//! - [`checker`]: an independent judge of placements, for tests and fuzzing.
//! - [`synthetic`]: generated clusters for benchmarks and tests.

#![warn(missing_docs)]

pub mod app;
pub mod cfn;
pub mod checker;
pub mod input;
pub mod model;
pub mod placement;
pub mod recommend;
pub mod rules;
pub mod simulate;
pub mod synthetic;

pub use input::{load_plan, LoadError};
pub use model::Plan;
pub use placement::{place, Placement};
