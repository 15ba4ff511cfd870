//! Reads criterion's measurements of the `myrt` and `wasmi` functions of each benchmark group
//! and compares them. The figure used is criterion's median estimate of one iteration: the
//! build machine is shared, and the median is the estimate least moved by stray slow samples.

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Criterion group names of the startup benchmarks (the compute groups are the program names).
pub const MODULE_NEW_GROUP: &str = "module_new_large";
pub const MODULE_NEW_REAL_GROUP: &str = "module_new_regex_debug";
pub const INSTANTIATE_GROUP: &str = "instantiate_small";

/// Every startup group, in the order the summary and the report list them.
pub const STARTUP_GROUPS: [&str; 3] = [MODULE_NEW_GROUP, MODULE_NEW_REAL_GROUP, INSTANTIATE_GROUP];

/// One benchmark measured on both engines.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub benchmark: String,
    pub myrt_nanos: f64,
    pub wasmi_nanos: f64,
}

impl Comparison {
    /// How many times faster myrt is than wasmi (above 1: myrt is faster).
    pub fn speedup(&self) -> f64 {
        self.wasmi_nanos / self.myrt_nanos
    }
}

/// Where criterion writes its results, by the same rules criterion follows:
/// `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else the workspace's `target/criterion`.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

/// The comparison for `group`, or `None` when criterion has no result for one of the engines.
pub fn load(criterion_dir: &Path, group: &str) -> Option<Comparison> {
    Some(Comparison {
        benchmark: group.to_string(),
        myrt_nanos: median_nanos(&criterion_dir.join(group).join("myrt"))?,
        wasmi_nanos: median_nanos(&criterion_dir.join(group).join("wasmi"))?,
    })
}

/// Every comparison criterion has results for: the compute programs, then the startup groups.
pub struct Results {
    pub compute: Vec<Comparison>,
    pub startup: Vec<Comparison>,
}

impl Results {
    pub fn load(criterion_dir: &Path) -> Self {
        let load_all = |groups: &mut dyn Iterator<Item = &str>| -> Vec<Comparison> {
            groups
                .filter_map(|group| load(criterion_dir, group))
                .collect()
        };
        Results {
            compute: load_all(&mut crate::programs::ALL.iter().map(|p| p.name)),
            startup: load_all(&mut STARTUP_GROUPS.into_iter()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.compute.is_empty() && self.startup.is_empty()
    }
}

/// Median time of one iteration, from `<function dir>/new/estimates.json`.
fn median_nanos(function_dir: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(function_dir.join("new").join("estimates.json")).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// Geometric mean of the speedups: the one average that treats a 2x win and a 2x loss as even.
pub fn geometric_mean_speedup(comparisons: &[Comparison]) -> Option<f64> {
    if comparisons.is_empty() {
        return None;
    }
    let log_sum: f64 = comparisons.iter().map(|c| c.speedup().ln()).sum();
    Some((log_sum / comparisons.len() as f64).exp())
}

/// A duration in the unit that keeps three significant digits readable.
pub fn format_nanos(nanos: f64) -> String {
    if nanos >= 1e9 {
        format!("{:.3} s", nanos / 1e9)
    } else if nanos >= 1e6 {
        format!("{:.3} ms", nanos / 1e6)
    } else if nanos >= 1e3 {
        format!("{:.2} µs", nanos / 1e3)
    } else {
        format!("{nanos:.0} ns")
    }
}

/// A Markdown table of the comparisons, with the geometric mean as the last row when asked.
pub fn markdown_table(comparisons: &[Comparison], with_geometric_mean: bool) -> String {
    let mut table =
        String::from("| benchmark | myrt | wasmi | wasmi / myrt |\n|---|---:|---:|---:|\n");
    // `writeln!` into a String cannot fail.
    for comparison in comparisons {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {:.2}x |",
            comparison.benchmark,
            format_nanos(comparison.myrt_nanos),
            format_nanos(comparison.wasmi_nanos),
            comparison.speedup()
        );
    }
    if with_geometric_mean && let Some(mean) = geometric_mean_speedup(comparisons) {
        let _ = writeln!(table, "| **geometric mean** | | | **{mean:.2}x** |");
    }
    table
}
