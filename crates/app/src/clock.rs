//! The platform's notion of "today": the system clock, or a fixed instant for demos and tests
//! (never by editing data).
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::{Arc, RwLock};

#[derive(Clone, Debug)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock {
            fixed: Arc::new(RwLock::new(None)),
        }
    }

    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Arc::new(RwLock::new(Some(at))),
        }
    }

    /// Set (or clear, with `None`) the fixed instant.
    pub fn set(&self, at: Option<DateTime<Utc>>) {
        if let Ok(mut f) = self.fixed.write() {
            *f = at;
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed
            .read()
            .ok()
            .and_then(|f| *f)
            .unwrap_or_else(Utc::now)
    }

    /// Today in China (UTC+8), where the platform's users work.
    pub fn today(&self) -> NaiveDate {
        (self.now() + chrono::Duration::hours(8)).date_naive()
    }
}
