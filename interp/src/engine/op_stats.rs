//! Counts of the ops the executor runs, for choosing superinstructions and
//! finding hot code (the `op-stats` feature; `benches/examples/profile.rs`
//! prints them). The feature runs the handlers from the loop, which records
//! every op before running it; it is far slower, and never on by default.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;

use super::CompiledFunc;
use super::exec::Op;

/// An executed op: its function's code (by address) and its index there.
type Site = (usize, u32);

#[derive(Default)]
struct Stats {
    /// Every op that ran: its function index, instruction and count.
    sites: HashMap<Site, (u32, super::Instr, u64)>,
    /// How often the op at the first site was followed by the one at the second.
    pairs: HashMap<(Site, Site), u64>,
    last: Option<Site>,
}

thread_local! {
    static STATS: RefCell<Stats> = RefCell::default();
}

/// Records that the op at `ip` of `func` is about to run.
pub(super) fn record(func: &CompiledFunc, ip: *const Op) {
    let base = func.ops.as_ptr();
    // SAFETY: `ip` points into `func.ops` (the caller checked it is not `LEAVE`).
    let index = unsafe { ip.offset_from(base) } as u32;
    let site = (base as usize, index);
    STATS.with_borrow_mut(|stats| {
        let entry = stats
            .sites
            .entry(site)
            .or_insert_with(|| (func.func_idx, func.ops[index as usize].instr(), 0));
        entry.2 += 1;
        if let Some(last) = stats.last.replace(site) {
            *stats.pairs.entry((last, site)).or_default() += 1;
        }
    });
}

/// Ends a sequence of ops (an exit from the handlers): no pair spans it.
pub(super) fn break_sequence() {
    STATS.with_borrow_mut(|stats| stats.last = None);
}

/// The instruction's variant name.
fn variant(instr: &super::Instr) -> String {
    let text = instr.to_string();
    text.split(' ').next().unwrap_or_default().to_owned()
}

/// A report of the counts so far on this thread, then clears them: the
/// `top` most run variants, variant pairs and functions, and the hottest
/// sites with their instructions.
pub fn report(top: usize) -> String {
    let stats = STATS.take();
    let total: u64 = stats.sites.values().map(|s| s.2).sum();
    let mut variants: HashMap<String, u64> = HashMap::new();
    let mut funcs: HashMap<u32, u64> = HashMap::new();
    for (func, instr, count) in stats.sites.values() {
        *variants.entry(variant(instr)).or_default() += count;
        *funcs.entry(*func).or_default() += count;
    }
    let mut pairs: HashMap<(String, String), u64> = HashMap::new();
    for ((first, second), count) in &stats.pairs {
        let name = |site| variant(&stats.sites[site].1);
        *pairs.entry((name(first), name(second))).or_default() += count;
    }
    let share = |count: u64| 100.0 * count as f64 / total.max(1) as f64;
    let mut out = format!(
        "{total} ops at {} sites\n\n## variants\n",
        stats.sites.len()
    );
    for (name, count) in sorted(variants).into_iter().take(top) {
        let _ = writeln!(out, "{:6.2}% {count:>12} {name}", share(count));
    }
    out += "\n## pairs (dynamic successor)\n";
    for ((first, second), count) in sorted(pairs).into_iter().take(top) {
        let _ = writeln!(out, "{:6.2}% {count:>12} {first} -> {second}", share(count));
    }
    out += "\n## functions\n";
    for (func, count) in sorted(funcs).into_iter().take(top) {
        let _ = writeln!(out, "{:6.2}% {count:>12} func {func}", share(count));
    }
    out += "\n## sites\n";
    let mut sites: Vec<_> = stats.sites.into_iter().collect();
    sites.sort_by_key(|(_, (_, _, count))| std::cmp::Reverse(*count));
    for ((_, index), (func, instr, count)) in sites.into_iter().take(top) {
        let _ = writeln!(
            out,
            "{:6.2}% {count:>12} func {func} @{index}: {instr}",
            share(count)
        );
    }
    out
}

fn sorted<K>(counts: HashMap<K, u64>) -> Vec<(K, u64)> {
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    counts
}
