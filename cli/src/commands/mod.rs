//! One file per command; each reads its own options from [`Args`] and
//! returns its exit code.
//!
//! [`Args`]: crate::args::Args

pub mod check;
pub mod deploy;
pub mod export;
pub mod import;
pub mod place;
pub mod recommend;
pub mod run_task;
pub mod scale;
