//! Weekly order simulation (one retailer at a time, deterministic per retailer seed).
//!
//! Structure (issue 2 §3): retailer capacity and class taste, yearly seasonality with the Spring
//! Festival peak on its true lunar date (`domain::calendar::spring_festival`, domain.md §7), brand
//! growth and decline, launches (no orders before `launch_date`, ramp-up) and delistings (decline,
//! no orders from `delisted_on`), intermittent demand for slow movers, and tight SKUs cut by
//! weekly per-tier quotas (§4.3; biweekly customers get 2× in their order week, §3.1.4), so the
//! demanded, quota, ordered and supplied quantities differ (§0.2 rule 4).
use crate::master::week_of_month;
use crate::rng::Rng;
use chrono::{Datelike, Duration, NaiveDate};
use domain::Month;
use domain::calendar::spring_festival;
use domain::retailer::OrderCycle;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum QuotaRule {
    None,
    /// TIGHT: quota(t) = floor(top · (t − 3)/27), none for tiers ≤ 3.
    Tight {
        top: f64,
    },
    /// BALANCED with a B-mode: generous, rarely binding.
    Generous {
        top: f64,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct ProdModel {
    pub id: i64,
    pub pop: f64,
    pub low_tar: bool,
    pub quota: QuotaRule,
    pub growth: f64,
    /// Launch inside the history (no orders before).
    pub launch: Option<NaiveDate>,
    /// Delisting date (no orders from this day).
    pub delist: Option<NaiveDate>,
    pub ever_sold: bool,
    /// (effective from, wholesale fen, suggested retail fen), ascending.
    pub prices: Vec<(NaiveDate, i64, i64)>,
}

impl ProdModel {
    pub fn price_at(&self, d: NaiveDate) -> (i64, i64) {
        let mut p = (self.prices[0].1, self.prices[0].2);
        for (from, w, r) in &self.prices {
            if *from <= d {
                p = (*w, *r);
            }
        }
        p
    }

    pub fn quota(&self, tier: u8) -> Option<i64> {
        let t = tier as f64;
        match self.quota {
            QuotaRule::None => None,
            QuotaRule::Tight { top } => Some(if tier <= 3 {
                0
            } else {
                (top * (t - 3.0) / 27.0).floor() as i64
            }),
            QuotaRule::Generous { top } => Some((top * (0.4 + t / 30.0)).ceil() as i64),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RetModel {
    pub id: i64,
    pub seed: u64,
    /// Latent initial tier: the tier in force while the history is generated.
    pub tier0: u8,
    /// Weekly volume (条) at the start of the history.
    pub capacity: f64,
    pub growth: f64,
    pub cycle: OrderCycle,
    pub weekday: u32,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub rep_id: i64,
    pub sample_point: bool,
    /// (product index, weekly rate in 条), ascending product index.
    pub repertoire: Vec<(u16, f32)>,
}

/// One simulated order line, compact; `day` indexes the history's days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub day: u16,
    pub prod: u16,
    pub demanded: i32,
    pub quota: Option<i32>,
    pub ordered: i32,
    pub supplied: i32,
    pub amount: i64,
}

/// Everything the per-retailer simulation reads, shared by all threads.
#[derive(Debug)]
pub(crate) struct Model {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub start_month: Month,
    pub months: usize,
    /// Per day of the history: seasonality factor.
    pub season: Vec<f32>,
    /// Per day: month offset from the start month.
    pub day_month: Vec<u16>,
    /// Mondays of the ISO weeks overlapping the history.
    pub weeks: Vec<NaiveDate>,
    /// [product][week]: trend × life-cycle factor.
    pub pf: Vec<Vec<f32>>,
    pub products: Vec<ProdModel>,
    pub retailers: Vec<RetModel>,
}

/// Seasonality of the day: Spring Festival peak in the four weeks before the festival, a dip
/// after, and a mild autumn (Mid-Autumn / National Day) high.
pub(crate) fn season(d: NaiveDate) -> f64 {
    let mut f = 1.0;
    for y in [d.year(), d.year() + 1] {
        if let Some(sf) = spring_festival(y) {
            let dd = (d - sf).num_days();
            f = match dd {
                -28..=-22 => 1.5,
                -21..=-1 => 2.2,
                0..=6 => 0.35,
                7..=20 => 0.7,
                _ => continue,
            };
            break;
        }
    }
    let doy = d.ordinal() as f64;
    f * (1.0 + 0.07 * (std::f64::consts::TAU * (doy - 270.0) / 365.25).cos())
}

impl Model {
    pub fn new(
        start_month: Month, end_month: Month, products: Vec<ProdModel>, retailers: Vec<RetModel>,
    ) -> Model {
        let start = start_month.first_day();
        let end = end_month.last_day();
        let ndays = (end - start).num_days() as usize + 1;
        let mut season_v = Vec::with_capacity(ndays);
        let mut day_month = Vec::with_capacity(ndays);
        for i in 0..ndays {
            let d = start + Duration::days(i as i64);
            season_v.push(season(d) as f32);
            day_month.push((Month::of(d).index() - start_month.index()) as u16);
        }
        let mut weeks = Vec::new();
        let mut monday = start - Duration::days(start.weekday().num_days_from_monday() as i64);
        while monday <= end {
            weeks.push(monday);
            monday += Duration::days(7);
        }
        let pf = products
            .iter()
            .map(|p| {
                weeks
                    .iter()
                    .map(|w| {
                        let years = (*w - start).num_days() as f64 / 365.25;
                        let mut f = (p.growth * years).exp();
                        if let Some(l) = p.launch {
                            let since = (*w - l).num_days() as f64 / 7.0;
                            f *= (0.15 + since / 16.0).clamp(0.0, 1.0);
                        }
                        if let Some(dl) = p.delist {
                            let before = (dl - *w).num_days() as f64 / 7.0;
                            f *= (before / 26.0).clamp(0.05, 1.0);
                        }
                        f as f32
                    })
                    .collect()
            })
            .collect();
        Model {
            start,
            end,
            start_month,
            months: (end_month.index() - start_month.index() + 1) as usize,
            season: season_v,
            day_month,
            weeks,
            pf,
            products,
            retailers,
        }
    }

    pub fn date(&self, day: u16) -> NaiveDate {
        self.start + Duration::days(day as i64)
    }

    /// Simulate retailer `ri`'s order lines, sorted by (day, product).
    pub fn simulate(&self, ri: usize, out: &mut Vec<Line>) {
        let r = &self.retailers[ri];
        let mut rng = Rng::new(r.seed);
        let (cover, qmult): (f64, f64) = match r.cycle {
            OrderCycle::Weekly => (1.0, 1.0),
            OrderCycle::BiweeklyOdd | OrderCycle::BiweeklyEven => (2.0, 2.0),
            OrderCycle::TwiceWeekly => (0.5, 0.5),
            OrderCycle::Monthly => (4.35, 4.0),
        };
        let second_day = if r.weekday <= 3 {
            r.weekday + 3
        } else {
            r.weekday - 3
        };
        let min_lot = 5.0;
        let mut days = [0u32; 2];
        for (wi, monday) in self.weeks.iter().enumerate() {
            let iso = monday.iso_week().week();
            let n_days = if r.cycle == OrderCycle::TwiceWeekly {
                days = [r.weekday.min(second_day), r.weekday.max(second_day)];
                2
            } else {
                days[0] = r.weekday;
                1
            };
            let years = (*monday - self.start).num_days() as f64 / 365.25;
            let rtrend = (r.growth * years).exp();
            for &wd in &days[..n_days] {
                let date = *monday + Duration::days(wd as i64 - 1);
                if date < r.first_day || date > r.last_day || date < self.start || date > self.end {
                    continue;
                }
                if !r.cycle.orders_in_week(iso, week_of_month(date)) {
                    continue;
                }
                let day = (date - self.start).num_days() as usize;
                let base = cover * self.season[day] as f64 * rtrend;
                for &(pi, rate) in &r.repertoire {
                    let p = &self.products[pi as usize];
                    if p.launch.is_some_and(|l| date < l) || p.delist.is_some_and(|d| date >= d) {
                        continue;
                    }
                    let mu = rate as f64 * base * self.pf[pi as usize][wi] as f64;
                    if mu < 0.01 {
                        continue;
                    }
                    let (p_order, mean) = if mu >= min_lot {
                        (0.95, mu / 0.95)
                    } else {
                        (mu / min_lot, min_lot)
                    };
                    if !rng.chance(p_order) {
                        continue;
                    }
                    let mut demanded = rng.poisson(mean).max(1);
                    let quota = p.quota(r.tier0).map(|q| (q as f64 * qmult).ceil() as i64);
                    if matches!(p.quota, QuotaRule::Tight { .. }) {
                        // scarce goods are over-requested
                        demanded = (demanded as f64 * 1.3).ceil() as i64;
                    }
                    let ordered = quota.map_or(demanded, |q| demanded.min(q));
                    let mut supplied = ordered;
                    if ordered >= 3 && rng.chance(0.004) {
                        supplied -= rng.int(1, ordered / 3);
                    }
                    let (wholesale, _) = p.price_at(date);
                    out.push(Line {
                        day: day as u16,
                        prod: pi,
                        demanded: demanded as i32,
                        quota: quota.map(|q| q as i32),
                        ordered: ordered as i32,
                        supplied: supplied as i32,
                        amount: supplied * wholesale,
                    });
                }
            }
        }
    }
}

/// Monthly roll-up of one retailer's lines: (month offset, product index) → sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthRow {
    pub month: u16,
    pub prod: u16,
    pub demanded: i64,
    pub ordered: i64,
    pub supplied: i64,
    pub amount: i64,
}

pub(crate) fn roll_up(model: &Model, lines: &[Line]) -> Vec<MonthRow> {
    let mut out: Vec<MonthRow> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let m = model.day_month[lines[i].day as usize];
        let start = out.len();
        while i < lines.len() && model.day_month[lines[i].day as usize] == m {
            let l = &lines[i];
            match out[start..].iter_mut().find(|r| r.prod == l.prod) {
                Some(r) => {
                    r.demanded += l.demanded as i64;
                    r.ordered += l.ordered as i64;
                    r.supplied += l.supplied as i64;
                    r.amount += l.amount;
                }
                None => out.push(MonthRow {
                    month: m,
                    prod: l.prod,
                    demanded: l.demanded as i64,
                    ordered: l.ordered as i64,
                    supplied: l.supplied as i64,
                    amount: l.amount,
                }),
            }
            i += 1;
        }
        out[start..].sort_by_key(|r| r.prod);
    }
    out
}
