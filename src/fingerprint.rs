//! Fingerprints: hashes of a step's inputs, so a rebuild can tell what it
//! must redo. Equal fingerprints mean equal inputs within one process.
//!
//! aHash with fixed keys: fast, well distributed, and the same for the same
//! input throughout a run (fingerprints are never stored between runs).

use std::hash::{BuildHasher, Hash, Hasher};

/// The fixed keys every fingerprint in a run is made with.
const KEYS: ahash::RandomState = ahash::RandomState::with_seeds(
    0x5157_6e70_6f73_7465,
    0x7220_6669_6e67_6572,
    0x7072_696e_7473_2121,
    0x0d15_ea5e_baad_f00d,
);

/// Hash maps and sets for the hot paths of a rebuild, where the standard
/// library's DoS-resistant hasher costs more than the work it guards. Keys are
/// the site's own paths, never input from the network.
pub type FastMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
pub type FastSet<T> = std::collections::HashSet<T, ahash::RandomState>;

/// Combines inputs into one fingerprint.
pub struct Fingerprint(ahash::AHasher);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(KEYS.build_hasher())
    }
}

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
