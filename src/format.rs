//! How the shell writes numbers the core computed: sizes in MiB or GiB and
//! CSS percentages. Formatting only; no rule of ECS.

/// MiB below 10 GiB, GiB with one decimal above.
pub fn mib(v: u64) -> String {
    if v >= 10 * 1024 {
        format!("{:.1} GiB", v as f64 / 1024.0)
    } else {
        format!("{v} MiB")
    }
}

/// `part` of `whole` as a CSS width, clamped to 0–100 %.
pub fn pct(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        "0%".into()
    } else {
        format!("{:.3}%", (part / whole * 100.0).clamp(0.0, 100.0))
    }
}
