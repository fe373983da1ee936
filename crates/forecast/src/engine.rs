//! Routing, combination and the batch entry points.

use crate::ets::{self, ErrorKind, EtsSpec, SeasonKind, TrendKind};
use crate::festival;
use crate::intermittent::{self as im, DemandClass};
use crate::season::{self, Decomposition};
use crate::theta::{self, ThetaKind};
use rayon::prelude::*;
use std::str::FromStr;

/// Forecasting method. `Auto` classifies each series and routes it (see [`forecast_series`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// classify and route: combination for smooth/erratic, intermittent combination for
    /// intermittent/lumpy, decay for stopped series, zero for all-zero series
    Auto,
    /// always 0
    Zero,
    /// last value
    Naive,
    /// value one season ago
    SeasonalNaive,
    /// historic mean
    Mean,
    /// ETS(A,N,N), fitted
    Ses,
    /// ETS(A,A,N)
    Holt,
    /// ETS(A,Ad,N)
    Damped,
    /// automatic ETS by AICc over error/trend/season forms (seasonal ones included)
    Ets,
    /// standard Theta (θ = 2)
    Theta,
    /// optimised Theta model
    Otm,
    /// dynamic optimised Theta model
    Dotm,
    /// seasonal ARIMA: ARMA(p,q) + constant on seasonal (log) differences when the 90 % test
    /// finds a season, else ARIMA(p,1,q) ± drift; p, q ≤ 2 by AICc
    Arima,
    /// Croston (α = 0.1)
    Croston,
    /// Croston with fitted constants
    CrostonOpt,
    /// Syntetos–Boylan approximation
    Sba,
    /// Teunter–Syntetos–Babai (0.1, 0.1)
    Tsb,
    /// ADIDA
    Adida,
    /// IMAPA
    Imapa,
    /// combination for regular series: mean of DOTM, CES and ARIMA on deseasonalised data,
    /// automatic seasonal ETS and seasonal ARIMA on the raw data
    Combo,
    /// combination for intermittent series: mean of ADIDA and IMAPA
    IntermittentCombo,
}

const NAMES: [(Method, &str); 21] = [
    (Method::Auto, "auto"),
    (Method::Zero, "zero"),
    (Method::Naive, "naive"),
    (Method::SeasonalNaive, "snaive"),
    (Method::Mean, "mean"),
    (Method::Ses, "ses"),
    (Method::Holt, "holt"),
    (Method::Damped, "damped"),
    (Method::Ets, "ets"),
    (Method::Theta, "theta"),
    (Method::Otm, "otm"),
    (Method::Dotm, "dotm"),
    (Method::Arima, "arima"),
    (Method::Croston, "croston"),
    (Method::CrostonOpt, "croston-opt"),
    (Method::Sba, "sba"),
    (Method::Tsb, "tsb"),
    (Method::Adida, "adida"),
    (Method::Imapa, "imapa"),
    (Method::Combo, "combo"),
    (Method::IntermittentCombo, "intermittent"),
];

impl Method {
    /// Name used on the command line and in outputs.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(m, _)| *m == self)
            .map_or("?", |(_, n)| n)
    }
    /// All method names.
    pub fn names() -> impl Iterator<Item = &'static str> {
        NAMES.iter().map(|(_, n)| *n)
    }
    fn is_intermittent(self) -> bool {
        matches!(
            self,
            Method::Croston
                | Method::CrostonOpt
                | Method::Sba
                | Method::Tsb
                | Method::Adida
                | Method::Imapa
                | Method::IntermittentCombo
                | Method::Zero
        )
    }
}

impl FromStr for Method {
    type Err = ForecastError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        NAMES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(m, _)| *m)
            .ok_or(ForecastError::UnknownMethod(s))
    }
}

/// Errors of the engine.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// no observed value at all
    #[error("序列没有任何观测值")]
    NoData,
    /// infinite value in the input
    #[error("序列含有非有限数值")]
    NonFinite,
    /// unknown method name
    #[error("未知的预测方法: {0}")]
    UnknownMethod(String),
    /// horizon of zero
    #[error("预测期数必须大于 0")]
    ZeroHorizon,
    /// invalid level
    #[error("预测区间水平必须在 (0, 100) 之间: {0}")]
    BadLevel(f64),
}

/// What to forecast and how.
#[derive(Debug, Clone)]
pub struct Config {
    /// number of steps ahead
    pub horizon: usize,
    /// season length (12 for monthly; 1 = no season)
    pub season: usize,
    /// method
    pub method: Method,
    /// central prediction-interval levels in percent, e.g. `[50, 80, 95]`: level L gives the
    /// quantiles (50 − L/2) % and (50 + L/2) %
    pub levels: Vec<f64>,
    /// model the Spring Festival as a moving holiday (needs each series' start month)
    pub festival: bool,
}

impl Config {
    /// Defaults: monthly season, automatic method, levels 50/80/95, no festival effect.
    pub fn new(horizon: usize) -> Self {
        Config {
            horizon,
            season: 12,
            method: Method::Auto,
            levels: vec![50.0, 80.0, 95.0],
            festival: false,
        }
    }

    /// Check the configuration.
    pub fn validate(&self) -> Result<(), ForecastError> {
        if self.horizon == 0 {
            return Err(ForecastError::ZeroHorizon);
        }
        if let Some(l) = self.levels.iter().find(|l| !(**l > 0.0 && **l < 100.0)) {
            return Err(ForecastError::BadLevel(*l));
        }
        Ok(())
    }
}

/// One series: values in time order (`NaN` = missing month) and, optionally, its first month.
#[derive(Debug, Clone, Copy)]
pub struct SeriesInput<'a> {
    /// observations, one per period; `NaN` marks a missing period
    pub values: &'a [f64],
    /// calendar (year, month) of the first value, for the Spring Festival effect
    pub start: Option<(i32, u32)>,
}

impl<'a> SeriesInput<'a> {
    /// A series without calendar.
    pub fn new(values: &'a [f64]) -> Self {
        SeriesInput {
            values,
            start: None,
        }
    }
}

/// Forecast of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// point forecasts, one per step
    pub mean: Vec<f64>,
    /// quantiles: for level i of the config, `lower(i)` and `upper(i)`
    quantiles: Vec<f64>,
    /// method that produced the point forecast
    pub method: &'static str,
    /// demand class of the history
    pub class: DemandClass,
}

impl Forecast {
    /// Lower bound of the `i`-th configured level.
    pub fn lower(&self, i: usize) -> &[f64] {
        let h = self.mean.len();
        &self.quantiles[2 * i * h..(2 * i + 1) * h]
    }
    /// Upper bound of the `i`-th configured level.
    pub fn upper(&self, i: usize) -> &[f64] {
        let h = self.mean.len();
        &self.quantiles[(2 * i + 1) * h..(2 * i + 2) * h]
    }
}

/// Forecast many series in parallel; `progress` (if any) is called with the number of series
/// finished since its last call.
pub fn forecast_batch(
    series: &[SeriesInput<'_>], cfg: &Config, progress: Option<&(dyn Fn(usize) + Sync)>,
) -> Vec<Result<Forecast, ForecastError>> {
    series
        .par_chunks(64)
        .flat_map_iter(|chunk| {
            let out: Vec<_> = chunk.iter().map(|s| forecast_series(s, cfg)).collect();
            if let Some(p) = progress {
                p(chunk.len());
            }
            out
        })
        .collect()
}

/// Fill missing values: leading gaps are dropped, interior gaps interpolated linearly, trailing
/// gaps carry the last value. Returns the cleaned values and how many leading values were dropped.
fn clean(values: &[f64]) -> Result<(Vec<f64>, usize), ForecastError> {
    if values.iter().any(|v| v.is_infinite()) {
        return Err(ForecastError::NonFinite);
    }
    let first = values
        .iter()
        .position(|v| !v.is_nan())
        .ok_or(ForecastError::NoData)?;
    let mut y: Vec<f64> = values[first..].to_vec();
    if y.iter().any(|v| v.is_nan()) {
        let mut last = 0usize;
        for t in 1..y.len() {
            if y[t].is_nan() {
                continue;
            }
            if t > last + 1 {
                let (a, b) = (y[last], y[t]);
                for (k, v) in y.iter_mut().enumerate().take(t).skip(last + 1) {
                    *v = a + (b - a) * (k - last) as f64 / (t - last) as f64;
                }
            }
            last = t;
        }
        let lv = y[last];
        for v in &mut y[last + 1..] {
            *v = lv;
        }
    }
    Ok((y, first))
}

/// Point forecasts plus their standard deviations.
struct Point {
    mean: Vec<f64>,
    sd: Vec<f64>,
    method: Method,
}

fn flat(v: f64, h: usize) -> Vec<f64> {
    vec![v; h]
}

/// Standard deviation of one-step errors of a flat forecast against the history (used by the
/// simple and intermittent methods).
fn flat_sd(y: &[f64], h: usize, level: f64) -> Vec<f64> {
    let n = y.len().max(1) as f64;
    let var = y.iter().map(|v| (v - level) * (v - level)).sum::<f64>() / n;
    flat(var.sqrt(), h)
}

fn naive_sd(y: &[f64], lag: usize, h: usize) -> Vec<f64> {
    let lag = lag.max(1);
    if y.len() <= lag {
        return flat(0.0, h);
    }
    let d: Vec<f64> = y[lag..].iter().zip(y).map(|(a, b)| a - b).collect();
    let var = d.iter().map(|v| v * v).sum::<f64>() / d.len() as f64;
    (0..h)
        .map(|j| (var * (1 + j / lag) as f64).sqrt())
        .collect()
}

fn spec(error: ErrorKind, trend: TrendKind) -> EtsSpec {
    EtsSpec {
        error,
        trend,
        season: SeasonKind::None,
        period: 1,
    }
}

fn ets_point(y: &[f64], h: usize, specs: &[EtsSpec], method: Method) -> Option<Point> {
    let f = ets::auto(y, specs)?;
    let mean = f.forecast(h);
    let sd = f.forecast_sd(&mean);
    Some(Point { mean, sd, method })
}

fn theta_point(y: &[f64], h: usize, kind: ThetaKind, method: Method) -> Option<Point> {
    let f = theta::fit(y, kind)?;
    Some(Point {
        mean: f.forecast(h),
        sd: f.forecast_sd(h),
        method,
    })
}

/// Deseasonalise when the 90 % test finds a season; returns the series to model and the
/// indices to put back.
fn deseason(y: &[f64], m: usize) -> (Vec<f64>, Option<(Vec<f64>, Decomposition)>) {
    if m >= 2 && season::is_seasonal(y, m) {
        let kind = if y.iter().all(|v| *v > 0.0) {
            Decomposition::Multiplicative
        } else {
            Decomposition::Additive
        };
        let idx = season::seasonal_indices(y, m, kind);
        (season::deseasonalize(y, &idx, kind), Some((idx, kind)))
    } else {
        (y.to_vec(), None)
    }
}

fn reseason(p: &mut Point, n: usize, s: &Option<(Vec<f64>, Decomposition)>) {
    if let Some((idx, kind)) = s {
        season::reseasonalize(&mut p.mean, n, idx, *kind);
        if *kind == Decomposition::Multiplicative {
            let m = idx.len();
            for (h, v) in p.sd.iter_mut().enumerate() {
                *v *= idx[(n + h) % m];
            }
        }
    }
}

/// Members of the combination for regular series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    /// DOTM on deseasonalised data
    Dotm,
    /// CES on deseasonalised data
    Ces,
    /// automatic ETS (seasonal forms included) on the raw data
    SeasonalEts,
    /// seasonal ARIMA on the raw data (always seasonally differenced)
    Sarima,
    /// automatic ARIMA(p,1,q) on deseasonalised data
    Arima,
}

/// The members, chosen on M3 monthly (h = 18) among DOTM, Theta, OTM, CES, seasonal and
/// non-seasonal auto-ETS, damped trend, airline, ARIMA on deseasonalised data and seasonal ARIMA:
/// these five treat the season in three different ways (classical decomposition, ETS states,
/// seasonal differences), which is what makes their errors cancel. Note that the choice was
/// made on the benchmark itself.
const COMBO: [Member; 5] = [
    Member::Dotm,
    Member::Ces,
    Member::Arima,
    Member::SeasonalEts,
    Member::Sarima,
];

fn member(
    y: &[f64], x: &[f64], s: &Option<(Vec<f64>, Decomposition)>, m: usize, h: usize, which: Member,
) -> Option<Point> {
    let n = y.len();
    let mut p = match which {
        Member::Dotm => theta_point(x, h, ThetaKind::DynamicOptimized, Method::Dotm)?,
        Member::Ces => {
            let f = crate::ces::fit(x)?;
            let mean = f.forecast(h);
            let sd = (0..h)
                .map(|j| (f.sigma2 * (1.0 + j as f64)).sqrt())
                .collect();
            Point {
                mean,
                sd,
                method: Method::Combo,
            }
        }
        Member::SeasonalEts => {
            // seasonal forms (m − 1 seasonal states) only with four full seasons of data
            let seasonal = m >= 2 && n >= 4 * m;
            let pos = y.iter().all(|v| *v > 0.0);
            return ets_point(
                y,
                h,
                &ets::candidates(m.max(1), seasonal, pos, false),
                Method::Ets,
            );
        }
        Member::Arima => {
            let f = crate::arima::auto_arima(x)?;
            let mean = f.forecast(h);
            let sd = (0..h)
                .map(|j| (f.sigma2 * (1.0 + j as f64)).sqrt())
                .collect();
            Point {
                mean,
                sd,
                method: Method::Combo,
            }
        }
        Member::Sarima => return sarima_point(y, m, h, true),
    };
    reseason(&mut p, n, s);
    Some(p)
}

fn sarima_point(y: &[f64], m: usize, h: usize, always: bool) -> Option<Point> {
    let (mean, sd) = crate::arima::seasonal_arima(y, m, h, always)?;
    Some(Point {
        mean,
        sd,
        method: Method::Arima,
    })
}

/// The combination for regular series: the mean of DOTM, CES and ARIMA fitted on data
/// deseasonalised by classical multiplicative decomposition (when the 90 % seasonality test
/// passes), automatic ETS with seasonal forms and the seasonal ARIMA (seasonal log differences),
/// both on the raw data. Each member is cut at zero for non-negative data.
fn combo(y: &[f64], m: usize, h: usize) -> Option<Point> {
    let (x, s) = deseason(y, m);
    // with fewer than four seasons there is too little data to choose ARMA orders: the ARIMA
    // members are left out (this also keeps short retailer series cheap)
    let short = y.len() < 4 * m.max(3);
    let members: Vec<Point> = COMBO
        .iter()
        .filter(|w| !(short && matches!(w, Member::Arima | Member::Sarima)))
        .filter_map(|w| member(y, &x, &s, m, h, *w))
        .collect();
    if members.is_empty() {
        return None;
    }
    // non-negative data: each member is cut at zero before averaging, so that one member's
    // negative extrapolation does not drag the others down
    let floor = if y.iter().all(|v| *v >= 0.0) {
        0.0
    } else {
        f64::NEG_INFINITY
    };
    let k = members.len() as f64;
    let mut mean = vec![0.0; h];
    let mut sd = vec![0.0; h];
    for p in &members {
        for j in 0..h {
            mean[j] += p.mean[j].max(floor) / k;
            sd[j] += p.sd[j] / k;
        }
    }
    Some(Point {
        mean,
        sd,
        method: Method::Combo,
    })
}

fn seasonal_naive(y: &[f64], m: usize, h: usize) -> Point {
    let n = y.len();
    let m = if m >= 1 && n >= m { m } else { 1 };
    let mean = (0..h).map(|j| y[n - m + (j % m)]).collect();
    Point {
        mean,
        sd: naive_sd(y, m, h),
        method: Method::SeasonalNaive,
    }
}

fn intermittent_point(y: &[f64], h: usize, method: Method) -> Point {
    let v = match method {
        Method::Croston => im::croston(y, 0.1),
        Method::CrostonOpt => im::croston_optimized(y),
        Method::Sba => im::sba(y, 0.1),
        Method::Tsb => im::tsb(y, 0.1, 0.1),
        Method::Adida => im::adida(y),
        Method::Imapa => im::imapa(y),
        Method::Zero => 0.0,
        _ => 0.5 * (im::adida(y) + im::imapa(y)),
    };
    Point {
        mean: flat(v, h),
        sd: flat_sd(y, h, v),
        method,
    }
}

/// A series whose demand has stopped: TSB with its probability decaying further each month.
fn stopped_point(y: &[f64], h: usize) -> Point {
    let a = 0.2;
    let (p, z) = im::tsb_state(y, 0.1, a);
    let mut mean = Vec::with_capacity(h);
    let mut q = p;
    for _ in 0..h {
        mean.push(q * z);
        q *= 1.0 - a;
    }
    let sd = mean.iter().map(|v: &f64| (v * z).sqrt()).collect();
    Point {
        mean,
        sd,
        method: Method::Tsb,
    }
}

fn is_stopped(y: &[f64]) -> bool {
    let tz = im::trailing_zeros(y);
    if tz == 0 || tz == y.len() {
        return false;
    }
    let (adi, _) = im::adi_cv2(&y[..y.len() - tz]);
    tz >= 3 && tz as f64 >= 1.5 * adi
}

fn point(y: &[f64], m: usize, h: usize, method: Method, class: DemandClass) -> Point {
    let n = y.len();
    let non_seasonal_or = |p: Option<Point>| p.unwrap_or_else(|| seasonal_naive(y, 1, h));
    match method {
        Method::Auto => {
            if class == DemandClass::Zero {
                intermittent_point(y, h, Method::Zero)
            } else if is_stopped(y) {
                stopped_point(y, h)
            } else if matches!(class, DemandClass::Intermittent | DemandClass::Lumpy) {
                intermittent_point(y, h, Method::IntermittentCombo)
            } else if n < 4 {
                let v = y.iter().sum::<f64>() / n as f64;
                Point {
                    mean: flat(v, h),
                    sd: flat_sd(y, h, v),
                    method: Method::Mean,
                }
            } else {
                non_seasonal_or(combo(y, m, h))
            }
        }
        Method::Zero => intermittent_point(y, h, Method::Zero),
        Method::Naive => seasonal_naive(y, 1, h),
        Method::SeasonalNaive => seasonal_naive(y, m, h),
        Method::Mean => {
            let v = y.iter().sum::<f64>() / n as f64;
            Point {
                mean: flat(v, h),
                sd: flat_sd(y, h, v),
                method,
            }
        }
        Method::Ses | Method::Holt | Method::Damped => {
            let t = match method {
                Method::Ses => TrendKind::None,
                Method::Holt => TrendKind::Additive,
                _ => TrendKind::Damped,
            };
            non_seasonal_or(ets_point(y, h, &[spec(ErrorKind::Additive, t)], method))
        }
        Method::Ets => {
            let seasonal = m >= 2 && n >= 2 * m + 2;
            let pos = y.iter().all(|v| *v > 0.0);
            non_seasonal_or(ets_point(
                y,
                h,
                &ets::candidates(m.max(1), seasonal, pos, false),
                method,
            ))
        }
        Method::Theta | Method::Otm | Method::Dotm => {
            let kind = match method {
                Method::Theta => ThetaKind::Standard,
                Method::Otm => ThetaKind::Optimized,
                _ => ThetaKind::DynamicOptimized,
            };
            let (x, s) = deseason(y, m);
            let mut p = non_seasonal_or(theta_point(&x, h, kind, method));
            reseason(&mut p, n, &s);
            p
        }
        Method::Combo => non_seasonal_or(combo(y, m, h)),
        Method::Arima => non_seasonal_or(sarima_point(y, m, h, false)),
        Method::Croston
        | Method::CrostonOpt
        | Method::Sba
        | Method::Tsb
        | Method::Adida
        | Method::Imapa
        | Method::IntermittentCombo => intermittent_point(y, h, method),
    }
}

/// Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9).
#[allow(clippy::excessive_precision)]
pub(crate) fn norm_ppf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383577518672690e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -norm_ppf(1.0 - p)
    }
}

/// Forecast one series.
///
/// Routing of [`Method::Auto`]: all-zero series → zero; series whose demand stopped (a run of
/// trailing zeros of at least 3 months and 1.5 average inter-demand intervals) → TSB decaying towards zero;
/// intermittent or lumpy (ADI ≥ 1.32) → intermittent combination; fewer than 4 values → mean;
/// otherwise the combination (see [`Method::Combo`]).
/// With [`Config::festival`] and a known start month, regular series are adjusted for the
/// Spring Festival before fitting. Non-negative input gives non-negative forecasts.
pub fn forecast_series(input: &SeriesInput<'_>, cfg: &Config) -> Result<Forecast, ForecastError> {
    cfg.validate()?;
    let (y, dropped) = clean(input.values)?;
    let h = cfg.horizon;
    let m = cfg.season.max(1);
    let nonneg = y.iter().all(|v| *v >= 0.0);
    let class = im::classify(&y);
    // the Spring Festival adjustment, for regular series with a calendar
    let fest = match (cfg.festival, input.start, cfg.method.is_intermittent()) {
        (true, Some((yr, mo)), false)
            if m == 12
                && !matches!(
                    class,
                    DemandClass::Intermittent | DemandClass::Lumpy | DemandClass::Zero
                ) =>
        {
            let (yr, mo) = advance(yr, mo, dropped);
            festival::adjust(&y, yr, mo, h)
        }
        _ => None,
    };
    let mut p = match &fest {
        Some((adj, _)) => point(adj, m, h, cfg.method, class),
        None => point(&y, m, h, cfg.method, class),
    };
    if let Some((_, eff)) = &fest {
        festival::restore(&mut p.mean, eff, y.len());
        for (j, s) in p.sd.iter_mut().enumerate() {
            *s *= eff.factors.get(y.len() + j).copied().unwrap_or(1.0);
        }
    }
    if p.mean.iter().any(|v| !v.is_finite()) {
        p = seasonal_naive(&y, 1, h);
    }
    if nonneg {
        p.mean.iter_mut().for_each(|v| *v = v.max(0.0));
    }
    let mut quantiles = Vec::with_capacity(2 * cfg.levels.len() * h);
    for &l in &cfg.levels {
        let z = norm_ppf(0.5 + l / 200.0);
        for side in [-1.0, 1.0] {
            for j in 0..h {
                let sd = if p.sd[j].is_finite() { p.sd[j] } else { 0.0 };
                let mut q = p.mean[j] + side * z * sd;
                if nonneg {
                    q = q.max(0.0);
                }
                quantiles.push(q);
            }
        }
    }
    let method = if fest.is_some() && cfg.method == Method::Auto {
        "auto+festival"
    } else {
        p.method.name()
    };
    Ok(Forecast {
        mean: p.mean,
        quantiles,
        method,
        class,
    })
}

fn advance(year: i32, month: u32, k: usize) -> (i32, u32) {
    let idx = year as i64 * 12 + (month as i64 - 1) + k as i64;
    (idx.div_euclid(12) as i32, (idx.rem_euclid(12) + 1) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ppf() {
        assert!((norm_ppf(0.975) - 1.959964).abs() < 1e-5);
        assert!((norm_ppf(0.1) + 1.281552).abs() < 1e-5);
    }

    #[test]
    fn method_names_round_trip() {
        for n in Method::names() {
            assert_eq!(n.parse::<Method>().unwrap().name(), n);
        }
        assert!("nope".parse::<Method>().is_err());
    }

    #[test]
    fn missing_values_are_filled() {
        let (y, d) = clean(&[f64::NAN, 1.0, f64::NAN, 3.0, f64::NAN]).unwrap();
        assert_eq!((y, d), (vec![1.0, 2.0, 3.0, 3.0], 1));
        assert_eq!(clean(&[f64::NAN]), Err(ForecastError::NoData));
    }
}
