//! Spring Festival (春节) as a moving holiday for monthly data.
//!
//! The festival falls between 21 January and 20 February, so the pre-festival buying peak moves
//! between January and February from year to year. The regressor of a month is the share of the
//! pre-festival window (the [`WINDOW_DAYS`] days before the festival) that falls in that month;
//! [`adjust`] estimates one effect per series from the ratios of the data to a centred 12-month
//! moving average, removes it before a method is fitted and [`restore`] puts it back on the
//! forecast.

/// First year of the table.
pub const FIRST_YEAR: i32 = domain::calendar::SPRING_FESTIVAL_YEARS.0;
/// Last year of the table.
pub const LAST_YEAR: i32 = domain::calendar::SPRING_FESTIVAL_YEARS.1;
/// Length of the pre-festival buying window in days.
pub const WINDOW_DAYS: i64 = 21;

/// The festival's Gregorian (month, day) in `year`, if the table covers it.
pub fn spring_festival(year: i32) -> Option<(u32, u32)> {
    // One table for the platform: domain::calendar.
    domain::calendar::spring_festival_md(year)
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Share of the pre-festival window of any festival that falls inside month (`year`, `month`).
/// Outside the table's years the value is 0.
pub fn window_share(year: i32, month: u32) -> f64 {
    let start = days_from_civil(year, month, 1);
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let end = days_from_civil(ny, nm, 1);
    let mut share = 0.0;
    for fy in [year, year + 1] {
        if let Some((fm, fd)) = spring_festival(fy) {
            let f = days_from_civil(fy, fm, fd);
            let (ws, we) = (f - WINDOW_DAYS, f);
            let overlap = (we.min(end) - ws.max(start)).max(0);
            share += overlap as f64 / WINDOW_DAYS as f64;
        }
    }
    share
}

/// Regressor values for `len` consecutive months starting at (`year`, `month`).
pub fn regressor(year: i32, month: u32, len: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(len);
    let (mut y, mut m) = (year, month);
    for _ in 0..len {
        out.push(window_share(y, m));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

/// A fitted festival effect: multiplicative factors per month of the history and the horizon.
#[derive(Debug, Clone)]
pub struct FestivalEffect {
    /// factor per position (history then horizon); 1 where the festival does not act
    pub factors: Vec<f64>,
    /// estimated effect of a full window on the month's ratio to the yearly level
    pub beta: f64,
}

/// Estimate the festival effect on `y` (monthly, starting at `year`-`month`) and return the
/// adjusted series plus the effect, or `None` when the data cannot support an estimate
/// (fewer than three festival seasons, non-positive values, no variation of the regressor).
pub fn adjust(
    y: &[f64], year: i32, month: u32, horizon: usize,
) -> Option<(Vec<f64>, FestivalEffect)> {
    let n = y.len();
    if n < 36 || y.iter().any(|v| *v <= 0.0) {
        return None;
    }
    let w = regressor(year, month, n + horizon);
    let cal = |t: usize| ((month as usize - 1 + t) % 12) as u32 + 1; // calendar month of t
    // ratios to the centred 2×12 moving average
    let mut prefix = vec![0.0; n + 1];
    for t in 0..n {
        prefix[t + 1] = prefix[t] + y[t];
    }
    // per calendar month (Dec, Jan, Feb, Mar): sums for a within-month regression
    let mut stats = [[0.0f64; 5]; 13]; // n, Σw, Σr, Σww, Σwr
    for t in 6..n.saturating_sub(6) {
        let a = prefix[t + 6] - prefix[t - 6];
        let b = prefix[t + 7] - prefix[t - 5];
        let ma = (a + b) / 24.0;
        if ma <= 0.0 {
            continue;
        }
        let c = cal(t) as usize;
        if !matches!(c, 12 | 1 | 2 | 3) {
            continue;
        }
        let r = y[t] / ma;
        let s = &mut stats[c];
        s[0] += 1.0;
        s[1] += w[t];
        s[2] += r;
        s[3] += w[t] * w[t];
        s[4] += w[t] * r;
    }
    let (mut sxy, mut sxx, mut seasons) = (0.0, 0.0, 0.0);
    for s in &stats {
        if s[0] >= 2.0 {
            sxy += s[4] - s[1] * s[2] / s[0];
            sxx += s[3] - s[1] * s[1] / s[0];
        }
        if s[0] > 0.0 {
            seasons = f64::max(seasons, s[0]);
        }
    }
    if seasons < 3.0 || sxx < 1e-6 {
        return None;
    }
    let beta = sxy / sxx;
    // factor relative to the month's average exposure
    let mut factors = vec![1.0; n + horizon];
    for c in [12usize, 1, 2, 3] {
        let s = &stats[c];
        if s[0] < 1.0 {
            continue;
        }
        let a = s[2] / s[0] - beta * s[1] / s[0]; // intercept
        let base = a + beta * s[1] / s[0];
        if a <= 0.05 || base <= 0.05 {
            return None;
        }
        for (t, f) in factors.iter_mut().enumerate() {
            if cal(t) as usize == c {
                let v = (a + beta * w[t]) / base;
                *f = v.max(0.05);
            }
        }
    }
    let adjusted = y.iter().zip(&factors).map(|(v, f)| v / f).collect();
    Some((adjusted, FestivalEffect { factors, beta }))
}

/// Put the effect back on a forecast of the positions after the history.
pub fn restore(f: &mut [f64], effect: &FestivalEffect, history_len: usize) {
    for (h, v) in f.iter_mut().enumerate() {
        if let Some(x) = effect.factors.get(history_len + h) {
            *v *= x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_covers_2000_2040_with_known_dates() {
        assert_eq!(spring_festival(2000), Some((2, 5)));
        assert_eq!(spring_festival(2020), Some((1, 25)));
        assert_eq!(spring_festival(2024), Some((2, 10)));
        assert_eq!(spring_festival(2026), Some((2, 17)));
        assert_eq!(spring_festival(2040), Some((2, 12)));
        for y in FIRST_YEAR..=LAST_YEAR {
            let (m, d) = spring_festival(y).unwrap();
            assert!((m == 1 && d >= 21) || (m == 2 && d <= 20), "{y}: {m}-{d}");
        }
        assert_eq!(spring_festival(1989), None);
    }

    #[test]
    fn window_shares_sum_to_one_per_festival() {
        for y in 2001..=2040 {
            let total = window_share(y - 1, 12) + window_share(y, 1) + window_share(y, 2);
            assert!((total - 1.0).abs() < 1e-12, "{y}");
        }
        // 2024-02-10: window 20 Jan – 9 Feb → 12 days in January, 9 in February
        assert!((window_share(2024, 1) - 12.0 / 21.0).abs() < 1e-12);
        assert!((window_share(2024, 2) - 9.0 / 21.0).abs() < 1e-12);
        assert_eq!(window_share(2024, 5), 0.0);
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 1),
            29
        );
    }
}
