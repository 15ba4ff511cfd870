//! Whether an error is the one a failing directive expects.

use myrt_interp::Error;

/// Checks a failure that happens while running code or linking
/// (`assert_trap`, `assert_exhaustion`, `assert_unlinkable`, `assert_uninstantiable`).
///
/// Traps and link errors are accepted for one another when the message
/// matches: some scripts assert a failure of instantiation under a different
/// directive than the one our instantiation reports it as (e.g. an out-of-bounds
/// segment), and the message is what identifies the failure.
pub(crate) fn check_runtime_error(error: &Error, expected_message: &str) -> Result<(), String> {
    match error {
        Error::Trap(_) | Error::Link(_) => {
            let actual = first_line(error);
            if message_matches(&actual, expected_message) {
                Ok(())
            } else {
                Err(format!("expected \"{expected_message}\", got \"{actual}\""))
            }
        }
        other => Err(format!(
            "expected \"{expected_message}\", got a {}: {other}",
            kind(other)
        )),
    }
}

/// Checks that a module was rejected at compile time (`assert_invalid`,
/// `assert_malformed`). Any decode or validation error is accepted: the two
/// are not always told apart the same way by every decoder, and the message
/// wording is not part of the contract.
pub(crate) fn check_rejected(error: &Error) -> Result<(), String> {
    match error {
        Error::Decode(_) | Error::Invalid(_) => Ok(()),
        other => Err(format!(
            "expected a decode or validation error, got a {}: {other}",
            kind(other)
        )),
    }
}

/// The one rule for comparing messages: the actual message contains the
/// expected text, or the expected text extends the actual message (scripts
/// say "unreachable executed" where we say "unreachable").
pub(crate) fn message_matches(actual: &str, expected: &str) -> bool {
    actual.contains(expected) || (!actual.is_empty() && expected.starts_with(actual))
}

/// The first line of an error: a trap's message without its backtrace.
fn first_line(error: &Error) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn kind(error: &Error) -> &'static str {
    match error {
        Error::Decode(_) => "decode error",
        Error::Invalid(_) => "validation error",
        Error::Link(_) => "link error",
        Error::Trap(_) => "trap",
        Error::Host(_) => "host error",
        Error::Other(_) => "API error",
    }
}

#[cfg(test)]
mod tests {
    use super::message_matches;

    #[test]
    fn messages_match_by_containment_or_extension() {
        assert!(message_matches(
            "unknown import: `m`.`f` has not been defined",
            "unknown import"
        ));
        assert!(message_matches("unreachable", "unreachable executed"));
        assert!(message_matches(
            "out of bounds memory access",
            "out of bounds memory access"
        ));
        assert!(!message_matches(
            "integer overflow",
            "integer divide by zero"
        ));
        assert!(!message_matches("", "integer divide by zero"));
    }
}
