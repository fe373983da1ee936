//! Behaviour of the engine through its public API: routing, edge cases, quantiles, festival.

use forecast::synth::{Rng, festival_series};
use forecast::{
    Config, DemandClass, Method, SeriesInput, forecast_batch, forecast_series, metrics,
};

fn run(y: &[f64], cfg: &Config) -> forecast::Forecast {
    forecast_series(&SeriesInput::new(y), cfg).unwrap()
}

#[test]
fn all_zero_series_forecasts_zero() {
    let f = run(&[0.0; 24], &Config::new(6));
    assert_eq!(f.mean, vec![0.0; 6]);
    assert_eq!(f.class, DemandClass::Zero);
    assert_eq!(f.method, "zero");
}

#[test]
fn very_short_series_are_forecast() {
    for y in [&[5.0][..], &[5.0, 7.0], &[5.0, 7.0, 6.0]] {
        let f = run(y, &Config::new(3));
        assert_eq!(f.mean.len(), 3);
        assert!(
            f.mean.iter().all(|v| v.is_finite() && *v > 0.0),
            "{y:?} {f:?}"
        );
    }
}

#[test]
fn stopped_series_decay_towards_zero() {
    let mut y: Vec<f64> = (0..30)
        .map(|t| if t % 2 == 0 { 4.0 } else { 0.0 })
        .collect();
    y.extend([0.0; 8]);
    let f = run(&y, &Config::new(12));
    assert!(f.mean[0] < 1.0, "{:?}", f.mean);
    assert!(f.mean.windows(2).all(|w| w[1] <= w[0]), "{:?}", f.mean);
    assert!(
        f.mean[11] < 0.1 * f.mean[0].max(1e-9) + 1e-6,
        "{:?}",
        f.mean
    );
}

#[test]
fn missing_months_are_interpolated() {
    let mut y: Vec<f64> = (0..36).map(|t| 100.0 + t as f64).collect();
    y[10] = f64::NAN;
    y[20] = f64::NAN;
    let f = run(&y, &Config::new(4));
    assert!(
        f.mean.iter().all(|v| (v - 138.0).abs() < 6.0),
        "{:?}",
        f.mean
    );
    assert!(forecast_series(&SeriesInput::new(&[f64::NAN, f64::NAN]), &Config::new(2)).is_err());
}

#[test]
fn intermittent_series_use_the_intermittent_route() {
    let y: Vec<f64> = (0..36)
        .map(|t| if t % 3 == 0 { 6.0 } else { 0.0 })
        .collect();
    let f = run(&y, &Config::new(6));
    assert_eq!(f.class, DemandClass::Intermittent);
    assert_eq!(f.method, "intermittent");
    assert!((f.mean[0] - 2.0).abs() < 0.3, "{:?}", f.mean);
}

#[test]
fn quantiles_are_ordered_around_the_mean() {
    let mut rng = Rng::new(7);
    let y: Vec<f64> = (0..48)
        .map(|t| 50.0 + 10.0 * ((t % 12) as f64 / 3.0).sin() + 3.0 * rng.normal())
        .collect();
    let cfg = Config {
        levels: vec![50.0, 80.0, 95.0],
        ..Config::new(12)
    };
    let f = run(&y, &cfg);
    for j in 0..12 {
        let (l50, l80, l95) = (f.lower(0)[j], f.lower(1)[j], f.lower(2)[j]);
        let (u50, u80, u95) = (f.upper(0)[j], f.upper(1)[j], f.upper(2)[j]);
        assert!(l95 <= l80 && l80 <= l50 && l50 <= f.mean[j], "{j}");
        assert!(f.mean[j] <= u50 && u50 <= u80 && u80 <= u95, "{j}");
        assert!(u95 > l95);
    }
}

#[test]
fn every_named_method_runs() {
    let mut rng = Rng::new(3);
    let y: Vec<f64> = (0..40)
        .map(|t| 20.0 + 0.3 * t as f64 + 2.0 * rng.normal())
        .collect();
    for name in Method::names() {
        let m: Method = name.parse().unwrap();
        let cfg = Config {
            method: m,
            ..Config::new(5)
        };
        let f = run(&y, &cfg);
        assert_eq!(f.mean.len(), 5, "{name}");
        assert!(f.mean.iter().all(|v| v.is_finite()), "{name}");
    }
}

#[test]
fn batch_matches_single_series() {
    let a: Vec<f64> = (0..30).map(|t| (t % 5) as f64).collect();
    let b: Vec<f64> = (0..30).map(|t| 10.0 + t as f64).collect();
    let cfg = Config::new(3);
    let inputs = [SeriesInput::new(&a), SeriesInput::new(&b)];
    let out = forecast_batch(&inputs, &cfg, None);
    assert_eq!(out[0].as_ref().unwrap(), &run(&a, &cfg));
    assert_eq!(out[1].as_ref().unwrap(), &run(&b, &cfg));
}

/// The Spring Festival effect beats the same method without it on synthetic data whose
/// pre-festival peak moves between January and February (issue 3).
#[test]
fn spring_festival_effect_beats_the_same_method_without_it() {
    let horizon = 24;
    let (mut with, mut without) = (0.0, 0.0);
    for seed in 0..6u64 {
        let mut rng = Rng::new(seed);
        // 2012-01 .. 2023-12: ten years to fit, the last two (2022: 1 Feb, 2023: 22 Jan) to test
        let y = festival_series(&mut rng, 2012, 1, 144, 0.8, 4.0);
        let (train, test) = y.split_at(144 - horizon);
        for method in [Method::Ets, Method::Auto] {
            let base = Config {
                method,
                festival: false,
                ..Config::new(horizon)
            };
            let fest = Config {
                festival: true,
                ..base.clone()
            };
            let input = SeriesInput {
                values: train,
                start: Some((2012, 1)),
            };
            let f0 = forecast_series(&input, &base).unwrap();
            let f1 = forecast_series(&input, &fest).unwrap();
            without += metrics::mae(test, &f0.mean).unwrap();
            with += metrics::mae(test, &f1.mean).unwrap();
        }
    }
    eprintln!("MAE sum with festival {with:.2}, without {without:.2}");
    assert!(
        with < 0.8 * without,
        "with festival {with:.2}, without {without:.2}"
    );
}
