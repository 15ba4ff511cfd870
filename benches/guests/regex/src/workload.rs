//! Compiles a few regular expressions and counts their matches over `n` lines of generated
//! log text with the regex crate: parsing and compiling patterns (Unicode classes included),
//! then the lazy DFA and, for capture groups, the slower engines, over realistic input.

use regex::Regex;

const PATTERNS: [&str; 5] = [
    // ISO dates.
    r"\b\d{4}-\d{2}-\d{2}\b",
    // E-mail-like addresses.
    r"[\w.+-]+@[\w-]+\.(?:com|org|net)",
    // Log levels, case-insensitive.
    r"(?i)\b(?:error|warn(?:ing)?)\b",
    // Key = quoted value, with captures.
    r#"(\w+)="([^"]*)""#,
    // Capitalised word pairs (Unicode letters).
    r"\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+",
];

const LEVELS: [&str; 4] = ["INFO", "warn", "Error", "debug"];
const NAMES: [&str; 6] = [
    "Ada Lovelace",
    "Alan Turing",
    "grace hopper",
    "Émile Borel",
    "x",
    "Edsger Dijkstra",
];
const DOMAINS: [&str; 4] = ["example.com", "mail.org", "host.net", "local.test"];

/// `n` lines of log text, the same on every platform.
pub fn generate_text(n: usize) -> String {
    let mut text = String::with_capacity(n * 96);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for line in 0..n {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let random = (state >> 33) as usize;
        let name = NAMES[random % NAMES.len()];
        text.push_str(&format!(
            "20{:02}-{:02}-{:02} {} user=\"{}\" id={} mail={}.{}@{} msg=\"request {} took {}ms\"\n",
            random % 30,
            1 + random % 12,
            1 + random % 28,
            LEVELS[(random >> 3) % LEVELS.len()],
            name,
            line,
            name.split(' ').next().unwrap_or(name).to_lowercase(),
            random % 97,
            DOMAINS[(random >> 5) % DOMAINS.len()],
            random % 1000,
            random % 250,
        ));
    }
    text
}

/// A polynomial hash of the number of matches of every pattern, then of the total length of
/// the captured values (which depends on the exact match boundaries); -1 if a pattern does
/// not compile.
pub fn run(n: i32) -> i64 {
    let text = generate_text(n.max(0) as usize);
    let mut checksum: i64 = 0;
    for pattern in PATTERNS {
        let Ok(regex) = Regex::new(pattern) else {
            return -1;
        };
        let count = regex.find_iter(&text).count() as i64;
        checksum = checksum.wrapping_mul(1_000_003).wrapping_add(count);
    }
    let Ok(key_value) = Regex::new(PATTERNS[3]) else {
        return -1;
    };
    let captured: usize = key_value
        .captures_iter(&text)
        .filter_map(|captures| captures.get(2))
        .map(|value| value.len())
        .sum();
    checksum
        .wrapping_mul(1_000_003)
        .wrapping_add(captured as i64)
}
