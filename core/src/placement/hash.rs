//! The placement's hashes: splitmix64 for `random`'s draws, FNV-1a for the
//! group-number map (keys are the plan's own names).

/// A small, fixed mix (splitmix64) so `random` is reproducible everywhere.
pub(super) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

pub(super) fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01B3)
    })
}

/// FNV-1a as a `Hasher`, for the group-number map looked up on every task:
/// its keys are the plan's own service names, so SipHash's defence against
/// chosen keys buys nothing and costs time, in wasm above all.
#[derive(Default)]
pub(super) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let start = if self.0 == 0 {
            0xCBF2_9CE4_8422_2325
        } else {
            self.0
        };
        self.0 = bytes
            .iter()
            .fold(start, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01B3));
    }
}
