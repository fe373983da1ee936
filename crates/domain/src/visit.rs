//! 拜访 — visits with traces (痕迹) and time in market (domain.md §2.3, §6, §7).
//!
//! Pure rules: when a visit's times are acceptable, how much time in market a day holds, the
//! visit cycle (拜访周期) of a retailer and the visit coverage (拜访覆盖率) of a rep.
//! The platform works in China time (UTC+8): a visit belongs to the day of its start there.
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use std::collections::BTreeMap;

/// Offset of the platform's working time from UTC (China, no daylight saving).
pub const CHINA_OFFSET_HOURS: i64 = 8;

/// The China-time calendar day of an instant.
pub fn china_day(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(CHINA_OFFSET_HOURS)).date_naive()
}

/// The UTC instant of a China-time day's start.
pub fn china_day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - Duration::hours(CHINA_OFFSET_HOURS)
}

/// An already recorded visit of the same person, for the overlap rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub id: i64,
    pub start: DateTime<Utc>,
    /// `None` while the visit is open (checked in, not yet checked out).
    pub end: Option<DateTime<Utc>>,
}

/// Why a visit's times are refused; the message is user-facing (Chinese).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VisitTimeError {
    #[error("离店时间 {end} 早于进店时间 {start}")]
    EndBeforeStart { start: String, end: String },
    #[error("拜访时间 {at} 晚于当前时间，不能记录未来的拜访")]
    InFuture { at: String },
    #[error("与已记录的拜访（编号 {other}，{from}–{to}）时间重叠")]
    Overlap {
        other: i64,
        from: String,
        to: String,
    },
    #[error("尚有未离店的拜访（编号 {other}，{from} 进店），请先离店签退")]
    OpenVisit { other: i64, from: String },
}

fn hm(at: DateTime<Utc>) -> String {
    (at + Duration::hours(CHINA_OFFSET_HOURS))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// §7 "visits must have traces": a visit `[start, end)` is acceptable when it does not end before
/// it starts, lies not in the future, and overlaps none of the person's other visits (an open
/// visit runs until `now`). `exclude` is the visit being checked out itself.
pub fn check_times(
    start: DateTime<Utc>, end: Option<DateTime<Utc>>, now: DateTime<Utc>, others: &[Span],
    exclude: Option<i64>,
) -> Result<(), VisitTimeError> {
    // One minute of tolerance for clocks of phones.
    let slack = Duration::minutes(1);
    if start > now + slack {
        return Err(VisitTimeError::InFuture { at: hm(start) });
    }
    if let Some(e) = end {
        if e > now + slack {
            return Err(VisitTimeError::InFuture { at: hm(e) });
        }
        if e < start {
            return Err(VisitTimeError::EndBeforeStart {
                start: hm(start),
                end: hm(e),
            });
        }
    }
    let my_end = end.unwrap_or(now);
    for o in others.iter().filter(|o| Some(o.id) != exclude) {
        if end.is_none() && o.end.is_none() {
            return Err(VisitTimeError::OpenVisit {
                other: o.id,
                from: hm(o.start),
            });
        }
        let o_end = o.end.unwrap_or(now);
        // Half-open intervals: back-to-back visits (one ends as the next starts) are fine.
        let overlaps = start < o_end && o.start < my_end;
        let inside_point = my_end == start && o.start <= start && start < o_end;
        if overlaps || inside_point {
            return Err(VisitTimeError::Overlap {
                other: o.id,
                from: hm(o.start),
                to: o.end.map(hm).unwrap_or_else(|| "未离店".to_string()),
            });
        }
    }
    Ok(())
}

/// A closed visit span: (start, end).
pub type Interval = (DateTime<Utc>, DateTime<Utc>);

/// §2.3 time in market: hours of closed visits per China-time day (overlaps counted once).
pub fn field_hours_by_day(spans: &[Interval]) -> BTreeMap<NaiveDate, f64> {
    let mut by_day: BTreeMap<NaiveDate, Vec<Interval>> = BTreeMap::new();
    for &(s, e) in spans.iter().filter(|(s, e)| e > s) {
        by_day.entry(china_day(s)).or_default().push((s, e));
    }
    by_day
        .into_iter()
        .map(|(d, mut v)| {
            v.sort();
            let mut total = Duration::zero();
            let mut cur: Option<Interval> = None;
            for (s, e) in v {
                cur = match cur {
                    Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
                    Some((cs, ce)) => {
                        total += ce - cs;
                        Some((s, e))
                    }
                    None => Some((s, e)),
                };
            }
            if let Some((cs, ce)) = cur {
                total += ce - cs;
            }
            (d, total.num_seconds() as f64 / 3600.0)
        })
        .collect()
}

/// Working days (Monday–Friday) between two dates inclusive.
pub fn working_days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

/// One working day of a rep against the §2.3 minimum (5 h/day by default).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DayInMarket {
    pub date: NaiveDate,
    pub hours: f64,
    pub min_hours: f64,
    pub met: bool,
}

/// §2.3 rep rule: each working day's hours against `min_hours`.
pub fn rep_days_in_market(
    hours: &BTreeMap<NaiveDate, f64>, days: &[NaiveDate], min_hours: f64,
) -> Vec<DayInMarket> {
    days.iter()
        .map(|d| {
            let h = hours.get(d).copied().unwrap_or(0.0);
            DayInMarket {
                date: *d,
                hours: h,
                min_hours,
                met: h + 1e-9 >= min_hours,
            }
        })
        .collect()
}

/// §2.3 market-manager rule: days of the week with at least `day_min_hours` in the market,
/// against the required number of days (2 by default).
pub fn market_days(hours: &BTreeMap<NaiveDate, f64>, day_min_hours: f64) -> usize {
    hours
        .values()
        .filter(|h| **h + 1e-9 >= day_min_hours)
        .count()
}

/// §2.3 brand-manager rule: share of working time in the market (hours in market ÷ working
/// days × `hours_per_day`), to compare with 1/3.
pub fn field_share(total_hours: f64, working_days: usize, hours_per_day: f64) -> f64 {
    let d = working_days as f64 * hours_per_day;
    if d > 0.0 { total_hours / d } else { 0.0 }
}

/// §6 拜访覆盖率: distinct customers visited in the month ÷ customers assigned, in %.
pub fn visit_coverage_pct(visited: i64, assigned: i64) -> f64 {
    if assigned > 0 {
        visited as f64 * 100.0 / assigned as f64
    } else {
        0.0
    }
}

/// 拜访周期 of a retailer: the mean number of days between consecutive visit days, and whether
/// the next visit is overdue (`today` more than `cycle_days` after the last visit, or never).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VisitCycle {
    pub visits: usize,
    pub last: Option<NaiveDate>,
    pub mean_interval_days: Option<f64>,
    pub days_since_last: Option<i64>,
    pub overdue: bool,
}

pub fn visit_cycle(days: &[NaiveDate], today: NaiveDate, cycle_days: i64) -> VisitCycle {
    let mut d: Vec<NaiveDate> = days.to_vec();
    d.sort();
    d.dedup();
    let last = d.last().copied();
    let mean =
        (d.len() >= 2).then(|| (d[d.len() - 1] - d[0]).num_days() as f64 / (d.len() - 1) as f64);
    let since = last.map(|l| (today - l).num_days());
    VisitCycle {
        visits: d.len(),
        last,
        mean_interval_days: mean,
        days_since_last: since,
        overdue: since.is_none_or(|s| s > cycle_days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        // 2026-11-16 in China time: h:m China = h-8 UTC.
        Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap()
            + Duration::minutes((h * 60 + m) as i64)
            - Duration::hours(8)
    }

    #[test]
    fn times_refused_with_reasons() {
        let now = t(18, 0);
        assert!(matches!(
            check_times(t(10, 0), Some(t(9, 0)), now, &[], None),
            Err(VisitTimeError::EndBeforeStart { .. })
        ));
        assert!(matches!(
            check_times(t(19, 0), None, now, &[], None),
            Err(VisitTimeError::InFuture { .. })
        ));
        let others = [Span {
            id: 7,
            start: t(9, 0),
            end: Some(t(9, 30)),
        }];
        let e = check_times(t(9, 15), Some(t(9, 45)), now, &others, None).unwrap_err();
        assert!(e.to_string().contains("重叠") && e.to_string().contains("7"));
        // Back to back is fine; the visit itself is excluded.
        assert!(check_times(t(9, 30), Some(t(10, 0)), now, &others, None).is_ok());
        assert!(check_times(t(9, 0), Some(t(9, 40)), now, &others, Some(7)).is_ok());
        // An open visit blocks a second check-in.
        let open = [Span {
            id: 8,
            start: t(11, 0),
            end: None,
        }];
        assert!(matches!(
            check_times(t(12, 0), None, now, &open, None),
            Err(VisitTimeError::OpenVisit { .. })
        ));
        // … and a closed visit inside its running time overlaps.
        assert!(check_times(t(12, 0), Some(t(12, 10)), now, &open, None).is_err());
    }

    #[test]
    fn field_hours_merge_overlaps_and_use_china_days() {
        let h = field_hours_by_day(&[
            (t(9, 0), t(11, 0)),
            (t(10, 0), t(12, 0)),
            (t(14, 0), t(15, 30)),
        ]);
        let d = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        assert!((h[&d] - 4.5).abs() < 1e-9);
        // 07:30 China time is still the 16th although it is the 15th in UTC.
        let h = field_hours_by_day(&[(t(7, 30), t(8, 0))]);
        assert!(h.contains_key(&d));
        let days = rep_days_in_market(&h, &[d], 5.0);
        assert!(!days[0].met);
    }

    #[test]
    fn manager_rules_coverage_and_cycle() {
        let d = |x| NaiveDate::from_ymd_opt(2026, 11, x).unwrap();
        let hours: BTreeMap<_, _> = [(d(16), 5.0), (d(17), 2.0), (d(18), 4.0)].into();
        assert_eq!(market_days(&hours, 4.0), 2);
        assert!((field_share(11.0, 5, 8.0) - 0.275).abs() < 1e-9);
        assert!((visit_coverage_pct(120, 150) - 80.0).abs() < 1e-9);
        let c = visit_cycle(&[d(2), d(9), d(16)], d(20), 7);
        assert_eq!(c.mean_interval_days, Some(7.0));
        assert!(!c.overdue);
        assert!(visit_cycle(&[d(2)], d(20), 7).overdue);
        assert!(visit_cycle(&[], d(20), 7).overdue);
        assert_eq!(working_days(d(14), d(20)).len(), 5);
    }
}
