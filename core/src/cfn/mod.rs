//! CloudFormation (§6): the plan's parameter section, how parameter values
//! are resolved (explicit value, else binding to a plan field, else Default)
//! and validated in CloudFormation's own words, the export formats, and the
//! template Berth writes.

pub mod bindings;
pub mod export;
pub mod params;
pub mod template;
pub mod write_back;
pub mod yaml;

pub use params::{resolve, ParameterError, Resolved, Source};
