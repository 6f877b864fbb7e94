//! The instance-type picker's rows, read from the catalogue.

use serde::Serialize;

use crate::model::catalogue::catalogue;

/// One row of the instance-type picker.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueRow {
    /// The instance type's name.
    pub name: String,
    /// Its family (`m5` for `m5.large`).
    pub family: String,
    /// x86_64 or arm64.
    pub architecture: String,
    /// vCPUs.
    pub vcpu: u32,
    /// Memory (MiB).
    pub memory: u32,
    /// Memory (MiB) it registers with ECS, before the group's reserved memory.
    pub registered_memory: u32,
    /// Whether that registered memory is estimated rather than observed.
    pub estimated: bool,
    /// On-demand price per hour in USD (the catalogue's region), if known.
    pub price_per_hour: Option<f64>,
}

/// The picker's rows: types matching `query`, optionally one family and
/// architecture, at most `limit` of them, and how many matched in all.
pub fn catalogue_rows(
    query: &str,
    family: Option<&str>,
    architecture: Option<&str>,
    limit: usize,
) -> (Vec<CatalogueRow>, usize) {
    let cat = catalogue();
    let mut total = 0;
    let mut rows = Vec::new();
    for t in cat.search(query, family, architecture) {
        total += 1;
        if rows.len() < limit {
            let reg = cat.registered_memory(t);
            rows.push(CatalogueRow {
                name: t.name.clone(),
                family: t.family.clone(),
                architecture: t.cpu_architecture().to_string(),
                vcpu: t.vcpu,
                memory: t.memory_mib,
                registered_memory: reg.mib,
                estimated: reg.estimated,
                price_per_hour: t.price_per_hour,
            });
        }
    }
    (rows, total)
}

/// Every family in the catalogue, for the picker's filter.
pub fn families() -> Vec<String> {
    let mut f: Vec<String> = catalogue().all().iter().map(|t| t.family.clone()).collect();
    f.sort();
    f.dedup();
    f
}
