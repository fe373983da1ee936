//! Counting failed attempts per key (a user name, a client address, a retailer's customer code)
//! in a sliding window, to lock a key out after too many: the sign-in's and the POS credential's
//! brute-force defence. Kept in memory: one platform process serves a company; a restart forgets
//! the counts, which only shortens a lockout.
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Key → (failures, first failure of the window).
type FailureMap = HashMap<String, (u32, DateTime<Utc>)>;

/// Failed attempts per key.
#[derive(Clone, Default)]
pub struct Failures {
    inner: Arc<Mutex<FailureMap>>,
}

impl Failures {
    fn with<R>(&self, f: impl FnOnce(&mut FailureMap) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// When `key` has had `max` failures within `window` of `now`: the time left until the
    /// window ends (rounded up to whole minutes by the caller's message).
    pub fn locked(
        &self, key: &str, now: DateTime<Utc>, max: u32, window: Duration,
    ) -> Option<Duration> {
        self.with(|m| match m.get(key) {
            Some(&(n, since)) if now - since < window && n >= max.max(1) => {
                Some(window - (now - since))
            }
            _ => None,
        })
    }

    /// One more failure of `key` at `now`.
    pub fn fail(&self, key: &str, now: DateTime<Utc>, window: Duration) {
        self.with(|m| {
            if m.len() > 100_000 {
                m.retain(|_, (_, since)| now - *since < window);
            }
            let e = m.entry(key.to_string()).or_insert((0, now));
            if now - e.1 >= window {
                *e = (0, now);
            }
            e.0 = e.0.saturating_add(1);
        });
    }

    /// `key` succeeded: its count starts again.
    pub fn clear(&self, key: &str) {
        self.with(|m| {
            m.remove(key);
        });
    }
}

/// Whole minutes (at least one) of a remaining lockout, for the message.
pub fn minutes_left(d: Duration) -> i64 {
    ((d.num_seconds() + 59) / 60).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_until_the_window_ends() {
        let f = Failures::default();
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let w = Duration::minutes(15);
        for i in 0..5 {
            assert!(f.locked("a", t0, 5, w).is_none(), "after {i}");
            f.fail("a", t0 + Duration::seconds(i), w);
        }
        let left = f.locked("a", t0 + Duration::minutes(1), 5, w).unwrap();
        assert_eq!(minutes_left(left), 14);
        assert!(f.locked("b", t0, 5, w).is_none());
        assert!(f.locked("a", t0 + Duration::minutes(15), 5, w).is_none());
        f.clear("a");
        assert!(f.locked("a", t0 + Duration::minutes(1), 5, w).is_none());
    }
}
