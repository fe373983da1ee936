//! Periods: the calendar month (the forecast and KPI period, domain.md §5, §6) and the ISO week
//! (the one-sheet period, §8).
use crate::ParseError;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Month, ParseError> {
        if !(2000..=2100).contains(&year) {
            return Err(ParseError::new(
                "月份",
                format!("年份 {year} 超出范围 2000–2100"),
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(ParseError::new(
                "月份",
                format!("月 {month} 不在 1–12 之间"),
            ));
        }
        Ok(Month { year, month })
    }

    /// Parse `YYYY-MM`.
    pub fn parse(s: &str) -> Result<Month, ParseError> {
        let t = s.trim();
        let bad = || ParseError::new("月份", format!("\"{t}\" 不是 YYYY-MM 格式的月份"));
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let y: i32 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        Month::new(y, m)
    }

    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        self.month
    }

    /// Months since year 0, for arithmetic and compact storage.
    pub fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }

    pub fn from_index(i: i32) -> Month {
        Month {
            year: i.div_euclid(12),
            month: i.rem_euclid(12) as u32 + 1,
        }
    }

    pub fn plus(self, months: i32) -> Month {
        Month::from_index(self.index() + months)
    }
    pub fn next(self) -> Month {
        self.plus(1)
    }
    pub fn prev(self) -> Month {
        self.plus(-1)
    }
    pub fn same_month_last_year(self) -> Month {
        self.plus(-12)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    /// The first day of the following month (exclusive end).
    pub fn end_exclusive(self) -> NaiveDate {
        self.next().first_day()
    }

    pub fn last_day(self) -> NaiveDate {
        self.end_exclusive() - Duration::days(1)
    }

    pub fn days(self) -> u32 {
        (self.end_exclusive() - self.first_day()).num_days() as u32
    }

    /// The date of day `d` of the month, clamped to the month's last day.
    pub fn day(self, d: u32) -> NaiveDate {
        let d = d.clamp(1, self.days());
        NaiveDate::from_ymd_opt(self.year, self.month, d).expect("clamped day")
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}
impl TryFrom<String> for Month {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Month, ParseError> {
        Month::parse(&s)
    }
}
impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

/// An ISO 8601 week, `YYYY-Www` (Monday first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

impl IsoWeek {
    pub fn new(year: i32, week: u32) -> Result<IsoWeek, ParseError> {
        if !(2000..=2100).contains(&year) {
            return Err(ParseError::new(
                "周",
                format!("年份 {year} 超出范围 2000–2100"),
            ));
        }
        if week == 0 || NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).is_none() {
            return Err(ParseError::new("周", format!("{year} 年没有第 {week} 周")));
        }
        Ok(IsoWeek { year, week })
    }

    /// Parse `YYYY-Www` (also accepts `YYYY-ww` and a lowercase `w`).
    pub fn parse(s: &str) -> Result<IsoWeek, ParseError> {
        let t = s.trim();
        let bad = || {
            ParseError::new(
                "周",
                format!("\"{t}\" 不是 YYYY-Www 格式的周（如 2026-W07）"),
            )
        };
        let (y, w) = t.split_once('-').ok_or_else(bad)?;
        let w = w.strip_prefix(['W', 'w']).unwrap_or(w);
        if y.len() != 4 || w.is_empty() || w.len() > 2 {
            return Err(bad());
        }
        let y: i32 = y.parse().map_err(|_| bad())?;
        let w: u32 = w.parse().map_err(|_| bad())?;
        IsoWeek::new(y, w)
    }

    pub fn of(date: NaiveDate) -> IsoWeek {
        let w = date.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn week(self) -> u32 {
        self.week
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).expect("valid week")
    }

    /// Day `i` of the week, 0 = Monday … 6 = Sunday.
    pub fn day(self, i: u32) -> NaiveDate {
        self.monday() + Duration::days(i.min(6) as i64)
    }

    pub fn next(self) -> IsoWeek {
        IsoWeek::of(self.monday() + Duration::days(7))
    }
    pub fn prev(self) -> IsoWeek {
        IsoWeek::of(self.monday() - Duration::days(7))
    }

    /// The month a week belongs to for planning: the month of its Thursday (ISO convention).
    pub fn month(self) -> Month {
        Month::of(self.day(3))
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}
impl TryFrom<String> for IsoWeek {
    type Error = ParseError;
    fn try_from(s: String) -> Result<IsoWeek, ParseError> {
        IsoWeek::parse(&s)
    }
}
impl From<IsoWeek> for String {
    fn from(w: IsoWeek) -> String {
        w.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn month_parse_and_arithmetic() {
        let m = Month::parse("2026-01").unwrap();
        assert_eq!(m.prev().to_string(), "2025-12");
        assert_eq!(m.same_month_last_year().to_string(), "2025-01");
        assert_eq!(Month::parse("2024-02").unwrap().days(), 29);
        assert!(Month::parse("2026-13").is_err());
        assert!(Month::parse("2026-1").is_err());
        assert!(Month::parse("abc").is_err());
        assert_eq!(
            Month::parse("2026-02").unwrap().day(31).to_string(),
            "2026-02-28"
        );
    }

    #[test]
    fn iso_week_parse() {
        let w = IsoWeek::parse("2026-W01").unwrap();
        assert_eq!(w.monday().to_string(), "2025-12-29");
        assert_eq!(w.month().to_string(), "2026-01");
        assert_eq!(
            IsoWeek::parse("2020-W53").unwrap().next().to_string(),
            "2021-W01"
        );
        assert!(IsoWeek::parse("2021-W53").is_err());
        assert!(IsoWeek::parse("2026-W00").is_err());
    }

    proptest! {
        #[test]
        fn month_index_roundtrip(i in 24000i32..25200) {
            let m = Month::from_index(i);
            prop_assert_eq!(m.index(), i);
            prop_assert_eq!(Month::parse(&m.to_string()).unwrap(), m);
        }
    }
}
