//! Fingerprints: hashes of a step's inputs, so a rebuild can tell what it
//! must redo. Equal fingerprints mean equal inputs within one process.

use std::hash::{Hash, Hasher};

/// Combines inputs into one fingerprint.
#[derive(Default)]
pub struct Fingerprint(std::collections::hash_map::DefaultHasher);

impl Fingerprint {
    pub fn new() -> Self {
        Fingerprint::default()
    }

    /// Add an input; its type and value both count.
    pub fn with(mut self, input: impl Hash) -> Self {
        input.hash(&mut self.0);
        self
    }

    pub fn with_all<T: Hash>(mut self, inputs: impl IntoIterator<Item = T>) -> Self {
        let mut count = 0usize;
        for input in inputs {
            input.hash(&mut self.0);
            count += 1;
        }
        // The length separates [a, b] + [c] from [a] + [b, c].
        count.hash(&mut self.0);
        self
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// The fingerprint of one input.
pub fn of(input: impl Hash) -> u64 {
    Fingerprint::new().with(input).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_grouping_matter() {
        assert_ne!(
            Fingerprint::new().with(1).with(2).finish(),
            Fingerprint::new().with(2).with(1).finish()
        );
        let a = Fingerprint::new().with_all([1, 2]).with_all([3]).finish();
        let b = Fingerprint::new().with_all([1]).with_all([2, 3]).finish();
        assert_ne!(a, b);
        assert_eq!(of("x"), of("x"));
    }
}
