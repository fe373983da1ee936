//! A small growable bitset used by the exact quota solver (sets of reachable totals).

#[derive(Clone, Debug, Default)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// Empty set able to hold bits `0..=max_bit`.
    pub fn with_max(max_bit: u64) -> Bits {
        Bits {
            words: vec![0; (max_bit / 64 + 1) as usize],
        }
    }

    pub fn empty() -> Bits {
        Bits { words: Vec::new() }
    }

    pub fn set(&mut self, i: u64) {
        let w = (i / 64) as usize;
        if w < self.words.len() {
            self.words[w] |= 1u64 << (i % 64);
        }
    }

    pub fn get(&self, i: u64) -> bool {
        let w = (i / 64) as usize;
        w < self.words.len() && (self.words[w] >> (i % 64)) & 1 == 1
    }

    pub fn or_assign(&mut self, other: &Bits) {
        let n = self.words.len().min(other.words.len());
        for (d, s) in self.words[..n].iter_mut().zip(&other.words[..n]) {
            *d |= *s;
        }
    }

    /// `(src << shift)` restricted to bits `0..=max_bit` (a fresh set).
    pub fn shifted(src: &Bits, shift: u64, max_bit: u64) -> Bits {
        if shift > max_bit {
            return Bits::empty();
        }
        let mut out = Bits::with_max(max_bit);
        let ws = (shift / 64) as usize;
        let bs = (shift % 64) as u32;
        let n = out.words.len();
        let end = n.min(ws + src.words.len() + 1);
        for d in ws..end {
            let s = d - ws;
            let lo = if s < src.words.len() {
                src.words[s] << bs
            } else {
                0
            };
            let hi = if bs > 0 && s >= 1 && s - 1 < src.words.len() {
                src.words[s - 1] >> (64 - bs)
            } else {
                0
            };
            out.words[d] = lo | hi;
        }
        let rem = (max_bit % 64) as u32;
        if rem < 63 {
            out.words[n - 1] &= (1u64 << (rem + 1)) - 1;
        }
        out
    }

    /// Largest set bit `<= limit`.
    pub fn max_le(&self, limit: u64) -> Option<u64> {
        if self.words.is_empty() {
            return None;
        }
        let top = ((limit / 64) as usize).min(self.words.len() - 1);
        for w in (0..=top).rev() {
            let mut word = self.words[w];
            if w as u64 == limit / 64 {
                let rem = (limit % 64) as u32;
                if rem < 63 {
                    word &= (1u64 << (rem + 1)) - 1;
                }
            }
            if word != 0 {
                return Some(w as u64 * 64 + 63 - word.leading_zeros() as u64);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn shift_and_max() {
        let mut a = Bits::with_max(200);
        a.set(0);
        a.set(3);
        a.set(70);
        let b = Bits::shifted(&a, 65, 140);
        assert!(b.get(65) && b.get(68) && b.get(135));
        assert!(!b.get(0));
        assert_eq!(b.max_le(200), Some(135));
        assert_eq!(b.max_le(100), Some(68));
        let c = Bits::shifted(&a, 5, 70);
        assert!(c.get(5) && c.get(8) && !c.get(75));
        assert_eq!(c.max_le(1000), Some(8));
    }
}
