//! What the JVM check assumes where a container's flags say nothing: how
//! many threads it runs and how large its code cache is. §7.5's defaults,
//! unless the user set their own for a container; Berth's own, kept with
//! the plan and never exported to ECS or CloudFormation.

use serde::{Deserialize, Serialize};

/// §7.5: the threads assumed when nothing is known of the application.
pub const DEFAULT_THREADS: u32 = 200;
/// §7.5: the code cache assumed without -XX:ReservedCodeCacheSize (MiB).
pub const DEFAULT_CODE_CACHE_MIB: u32 = 240;
/// HotSpot refuses a ReservedCodeCacheSize over 2 GB.
pub const MAX_CODE_CACHE_MIB: u32 = 2048;
/// More threads than any JVM in a container runs; a typo, not a plan.
pub const MAX_THREADS: u32 = 100_000;

/// One container's assumptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JvmAssumptions {
    /// Threads the JVM runs, each with a stack of -Xss (1 MiB by default).
    pub threads: u32,
    /// The code cache (MiB) when -XX:ReservedCodeCacheSize is not set.
    #[serde(rename = "codeCacheMiB")]
    pub code_cache_mib: u32,
}

impl Default for JvmAssumptions {
    fn default() -> Self {
        JvmAssumptions {
            threads: DEFAULT_THREADS,
            code_cache_mib: DEFAULT_CODE_CACHE_MIB,
        }
    }
}

impl JvmAssumptions {
    /// The key a container's assumptions are kept under: "family/container".
    pub fn key(family: &str, container: &str) -> String {
        format!("{family}/{container}")
    }

    /// The first value out of range, as (field, what is wrong).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !(1..=MAX_THREADS).contains(&self.threads) {
            return Err((
                "threads",
                format!("{} must be between 1 and {MAX_THREADS}", self.threads),
            ));
        }
        if !(1..=MAX_CODE_CACHE_MIB).contains(&self.code_cache_mib) {
            return Err((
                "codeCacheMiB",
                format!(
                    "{} must be between 1 and {MAX_CODE_CACHE_MIB} MiB (HotSpot's largest ReservedCodeCacheSize)",
                    self.code_cache_mib
                ),
            ));
        }
        Ok(())
    }
}
