//! `m135 forecast`: the forecast engine on CSV files.
//!
//! Input: long CSV with header `series_id,period,value`, period `YYYY-MM`, any row order.
//! Output (`--output`): `series_id,period,forecast,method,class` then, for every level L of
//! `--levels` (default 50,80,95), the columns `lo_L,hi_L` — the (50 − L/2) % and (50 + L/2) %
//! quantiles of the forecast distribution, so `lo_80,hi_80` bound the central 80 % interval.
//!
//! `eval` holds out the last H values of every series and prints the metrics table as the peer
//! script computes it; `bench` forecasts generated intermittent series to measure scale.
//! Threads: rayon's pool, sized by `RAYON_NUM_THREADS` (default: all cores).

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use forecast::{Config, Forecast, Method, SeriesInput, forecast_batch, metrics};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `m135 forecast …`
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ForecastCmd {
    #[command(subcommand)]
    pub sub: Option<ForecastSub>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Sub-commands of `m135 forecast`.
#[derive(Subcommand, Debug)]
pub enum ForecastSub {
    /// 留出每条序列最后 H 期，预测并打印精度表与耗时
    Eval(EvalArgs),
    /// 规模测试：生成 N 条间歇性月度序列并预测
    Bench(BenchArgs),
}

/// What to do with missing months inside a series.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gaps {
    /// 报错（默认）
    Error,
    /// 跳过有缺月的序列并报告
    Skip,
    /// 视为缺失值，由引擎插补
    Missing,
    /// 缺月按 0 需求补齐
    Zero,
    /// 只保留覆盖文件全部月份、无缺月的完整序列（其余跳过并报告）
    Complete,
}

/// Options shared by forecasting and evaluation.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// 输入 CSV（列 series_id,period,value；period 为 YYYY-MM）
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// 预测期数
    #[arg(long)]
    pub horizon: Option<usize>,
    /// 季节周期（月度数据为 12）
    #[arg(long, default_value_t = 12)]
    pub season: usize,
    /// 预测区间水平（百分比，逗号分隔）
    #[arg(long, value_delimiter = ',', default_value = "50,80,95")]
    pub levels: Vec<f64>,
    /// 春节移动假日效应（按 period 的真实日历）
    #[arg(long)]
    pub festival: bool,
    /// 序列内缺月的处理方式
    #[arg(long, value_enum, default_value_t = Gaps::Error)]
    pub gaps: Gaps,
}

/// `m135 forecast --input … --horizon … --output …`
#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: Common,
    /// 预测方法：auto 或方法名
    #[arg(long, default_value = "auto")]
    pub method: String,
    /// 输出 CSV
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// `m135 forecast eval …`
#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub common: Common,
    /// 预测方法（可逗号分隔多个以对比）
    #[arg(long, value_delimiter = ',', default_value = "auto")]
    pub method: Vec<String>,
    /// 把各序列的预测写到此 CSV（可选）
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// `m135 forecast bench …`
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// 序列条数
    #[arg(long, default_value_t = 1_000_000)]
    pub series: usize,
    /// 每条序列的月数
    #[arg(long, default_value_t = 36)]
    pub months: usize,
    /// 预测期数
    #[arg(long, default_value_t = 12)]
    pub horizon: usize,
    /// 预测方法
    #[arg(long, default_value = "auto")]
    pub method: String,
    /// 预测区间水平
    #[arg(long, value_delimiter = ',', default_value = "50,80,95")]
    pub levels: Vec<f64>,
    /// 随机种子
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Run `m135 forecast`.
pub fn run(cmd: ForecastCmd) -> Result<()> {
    match cmd.sub {
        Some(ForecastSub::Eval(a)) => eval(a),
        Some(ForecastSub::Bench(a)) => bench(a),
        None => forecast_file(cmd.run),
    }
}

/// A parsed series.
#[derive(Debug, Clone)]
pub struct Series {
    pub id: String,
    /// (year, month) of the first value
    pub start: (i32, u32),
    pub values: Vec<f64>,
}

fn parse_period(s: &str) -> Option<(i32, u32)> {
    let s = s.trim();
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (1..=12).contains(&m).then_some((y, m))
}

fn month_index((y, m): (i32, u32)) -> i64 {
    i64::from(y) * 12 + i64::from(m) - 1
}

fn index_month(i: i64) -> (i32, u32) {
    (i.div_euclid(12) as i32, (i.rem_euclid(12) + 1) as u32)
}

fn fmt_period(i: i64) -> String {
    let (y, m) = index_month(i);
    format!("{y:04}-{m:02}")
}

/// Read and check a long CSV. Series keep the order of their first row; rows within a series
/// may come in any order. `skipped` receives series dropped by `Gaps::Skip`.
pub fn read_series(path: &Path, gaps: Gaps, skipped: &mut Vec<String>) -> Result<Vec<Series>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("无法打开输入文件 {}", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let headers = rdr.headers().context("第 1 行: 无法读取表头")?.clone();
    let col = |name: &str| -> Result<usize> {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
            .with_context(|| format!("第 1 行: 缺少 {name} 列（需要 series_id,period,value）"))
    };
    let (ci, cp, cv) = (col("series_id")?, col("period")?, col("value")?);
    let mut order: Vec<String> = Vec::new();
    let mut rows: HashMap<String, Vec<(i64, f64, u64)>> = HashMap::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bail!("第 {line} 行: CSV 格式错误: {e}");
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize, name: &str| -> Result<&str> {
            rec.get(i)
                .with_context(|| format!("第 {line} 行: 缺少 {name} 字段"))
        };
        let id = get(ci, "series_id")?.trim();
        if id.is_empty() {
            bail!("第 {line} 行 series_id 字段为空");
        }
        let ps = get(cp, "period")?;
        let p = parse_period(ps)
            .with_context(|| format!("第 {line} 行 period 字段无法解析为 YYYY-MM: {:?}", ps))?;
        let vs = get(cv, "value")?;
        let v: f64 = vs
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .with_context(|| format!("第 {line} 行 value 字段无法解析为数字: {:?}", vs))?;
        let entry = rows.entry(id.to_string()).or_insert_with(|| {
            order.push(id.to_string());
            Vec::new()
        });
        entry.push((month_index(p), v, line));
    }
    let mut out = Vec::with_capacity(order.len());
    for id in order {
        let mut r = rows.remove(&id).unwrap_or_default();
        r.sort_by_key(|x| (x.0, x.2));
        for w in r.windows(2) {
            if w[0].0 == w[1].0 {
                bail!(
                    "第 {} 行 period 字段: 序列 {id} 的 {} 重复（与第 {} 行）",
                    w[1].2,
                    fmt_period(w[1].0),
                    w[0].2
                );
            }
        }
        let first = r[0].0;
        let last = r[r.len() - 1].0;
        let len = (last - first + 1) as usize;
        let has_gap = len != r.len();
        if has_gap {
            match gaps {
                Gaps::Error => {
                    let w = r.windows(2).find(|w| w[1].0 != w[0].0 + 1).expect("gap");
                    bail!(
                        "第 {} 行 period 字段: 序列 {id} 缺少 {} 至 {} 的数据（可用 --gaps skip|missing|zero）",
                        w[1].2,
                        fmt_period(w[0].0 + 1),
                        fmt_period(w[1].0 - 1)
                    );
                }
                Gaps::Skip | Gaps::Complete => {
                    skipped.push(id);
                    continue;
                }
                Gaps::Missing | Gaps::Zero => {}
            }
        }
        let fill = if gaps == Gaps::Zero { 0.0 } else { f64::NAN };
        let mut values = vec![fill; len];
        for (p, v, _) in &r {
            values[(p - first) as usize] = *v;
        }
        out.push(Series {
            id,
            start: index_month(first),
            values,
        });
    }
    if gaps == Gaps::Complete {
        let lo = out.iter().map(|s| month_index(s.start)).min().unwrap_or(0);
        let hi = out
            .iter()
            .map(|s| month_index(s.start) + s.values.len() as i64)
            .max()
            .unwrap_or(0);
        out.retain(|s| {
            let keep =
                month_index(s.start) == lo && month_index(s.start) + s.values.len() as i64 == hi;
            if !keep {
                skipped.push(s.id.clone());
            }
            keep
        });
    }
    Ok(out)
}

fn parse_method(s: &str) -> Result<Method> {
    s.parse::<Method>().map_err(|_| {
        anyhow::anyhow!(
            "未知的预测方法 {s:?}，可选: {}",
            Method::names().collect::<Vec<_>>().join(", ")
        )
    })
}

fn progress_bar(len: usize) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if std::io::stderr().is_terminal() && len >= 1000 {
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} 序列 ({per_sec}, 剩余 {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb
}

fn run_batch(
    inputs: &[SeriesInput<'_>], cfg: &Config,
) -> (Vec<Result<Forecast, forecast::ForecastError>>, f64) {
    let pb = progress_bar(inputs.len());
    let inc = |k: usize| pb.inc(k as u64);
    let t0 = Instant::now();
    let out = forecast_batch(inputs, cfg, Some(&inc));
    let dt = t0.elapsed().as_secs_f64();
    pb.finish_and_clear();
    (out, dt)
}

fn config(common: &Common, method: Method, horizon: usize) -> Result<Config> {
    let cfg = Config {
        horizon,
        season: common.season,
        method,
        levels: common.levels.clone(),
        festival: common.festival,
    };
    cfg.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(cfg)
}

fn need<'a, T>(v: &'a Option<T>, flag: &str) -> Result<&'a T> {
    v.as_ref().with_context(|| format!("缺少参数 {flag}"))
}

fn report_skipped(skipped: &[String]) {
    if !skipped.is_empty() {
        let show: Vec<&str> = skipped.iter().take(10).map(String::as_str).collect();
        eprintln!(
            "注意: 跳过 {} 条有缺月或不完整的序列: {}{}",
            skipped.len(),
            show.join(", "),
            if skipped.len() > 10 { " …" } else { "" }
        );
    }
}

fn fmt_num(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn write_forecasts(
    path: &Path, series: &[Series], offsets: &[usize],
    results: &[Result<Forecast, forecast::ForecastError>], cfg: &Config,
) -> Result<usize> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("无法写入输出文件 {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    write!(w, "series_id,period,forecast,method,class")?;
    for l in &cfg.levels {
        let l = fmt_num(*l);
        write!(w, ",lo_{l},hi_{l}")?;
    }
    writeln!(w)?;
    let mut failed = 0;
    for ((s, off), r) in series.iter().zip(offsets).zip(results) {
        let f = match r {
            Ok(f) => f,
            Err(e) => {
                eprintln!("序列 {} 无法预测: {e}", s.id);
                failed += 1;
                continue;
            }
        };
        let id = if s.id.contains([',', '"', '\n']) {
            format!("\"{}\"", s.id.replace('"', "\"\""))
        } else {
            s.id.clone()
        };
        let base = month_index(s.start) + *off as i64;
        for (j, v) in f.mean.iter().enumerate() {
            write!(
                w,
                "{id},{},{},{},{}",
                fmt_period(base + j as i64),
                fmt_num(*v),
                f.method,
                f.class.as_str()
            )?;
            for i in 0..cfg.levels.len() {
                write!(w, ",{},{}", fmt_num(f.lower(i)[j]), fmt_num(f.upper(i)[j]))?;
            }
            writeln!(w)?;
        }
    }
    w.flush()?;
    Ok(failed)
}

fn forecast_file(a: RunArgs) -> Result<()> {
    let input = need(&a.common.input, "--input")?;
    let horizon = *need(&a.common.horizon, "--horizon")?;
    let output = need(&a.output, "--output")?;
    let method = parse_method(&a.method)?;
    let cfg = config(&a.common, method, horizon)?;
    let mut skipped = Vec::new();
    let series = read_series(input, a.common.gaps, &mut skipped)?;
    report_skipped(&skipped);
    let inputs: Vec<SeriesInput<'_>> = series
        .iter()
        .map(|s| SeriesInput {
            values: &s.values,
            start: Some(s.start),
        })
        .collect();
    let (results, dt) = run_batch(&inputs, &cfg);
    let offsets: Vec<usize> = series.iter().map(|s| s.values.len()).collect();
    let failed = write_forecasts(output, &series, &offsets, &results, &cfg)?;
    eprintln!(
        "完成: {} 条序列 × {horizon} 期 → {}，预测耗时 {dt:.2} 秒{}",
        series.len() - failed,
        output.display(),
        if failed > 0 {
            format!("；{failed} 条无法预测（见上）")
        } else {
            String::new()
        }
    );
    if failed > 0 {
        bail!("{failed} 条序列无法预测");
    }
    Ok(())
}

fn eval(a: EvalArgs) -> Result<()> {
    let input = need(&a.common.input, "--input")?;
    let horizon = *need(&a.common.horizon, "--horizon")?;
    let methods: Vec<Method> = a
        .method
        .iter()
        .map(|m| parse_method(m))
        .collect::<Result<_>>()?;
    let mut skipped = Vec::new();
    let t_read = Instant::now();
    let all = read_series(input, a.common.gaps, &mut skipped)?;
    let read_s = t_read.elapsed().as_secs_f64();
    report_skipped(&skipped);
    let (series, short): (Vec<&Series>, Vec<&Series>) =
        all.iter().partition(|s| s.values.len() > horizon);
    if !short.is_empty() {
        eprintln!(
            "注意: {} 条序列不长于 {horizon} 期，无法留出评估，已排除（如 {}）",
            short.len(),
            short[0].id
        );
    }
    if series.is_empty() {
        bail!("没有可评估的序列");
    }
    let inputs: Vec<SeriesInput<'_>> = series
        .iter()
        .map(|s| SeriesInput {
            values: &s.values[..s.values.len() - horizon],
            start: Some(s.start),
        })
        .collect();
    println!(
        "{} 条序列，h = {horizon}，季节 {}，线程 {}，读入 {read_s:.2} 秒",
        series.len(),
        a.common.season,
        rayon_threads()
    );
    println!(
        "{:<14} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>8}",
        "method",
        "sMAPE",
        "MASE_s",
        "MASE_1",
        "RMSSE",
        "ME",
        "MAE",
        "aggBias",
        "WAPE",
        "acc_w",
        "acc_total",
        "seconds"
    );
    for method in methods {
        let cfg = config(&a.common, method, horizon)?;
        let (results, dt) = run_batch(&inputs, &cfg);
        let mut scores = Vec::with_capacity(series.len());
        let mut used: HashMap<&'static str, usize> = HashMap::new();
        let mut failed = 0;
        for (s, r) in series.iter().zip(&results) {
            let n = s.values.len() - horizon;
            match r {
                Ok(f) => {
                    *used.entry(f.method).or_default() += 1;
                    scores.push(metrics::score_series(
                        &s.values[..n],
                        &s.values[n..],
                        &f.mean,
                        a.common.season,
                    ));
                }
                Err(e) => {
                    eprintln!("序列 {} 无法预测: {e}", s.id);
                    failed += 1;
                }
            }
        }
        let sm = metrics::summarize(&scores);
        println!(
            "{:<14} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>9.4} {:>9.3} {:>7.2}% {:>8.4} {:>8.4} {:>9.4} {:>8.3}",
            method.name(),
            sm.smape,
            sm.mase_s,
            sm.mase_1,
            sm.rmsse,
            sm.me,
            sm.mae,
            100.0 * sm.aggregate_bias,
            sm.wape,
            sm.weighted_accuracy,
            sm.total_accuracy,
            dt
        );
        let mut used: Vec<_> = used.into_iter().collect();
        used.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let used: Vec<String> = used.iter().map(|(m, k)| format!("{m} {k}")).collect();
        println!(
            "    excluded: MASE_s {} MASE_1 {} RMSSE {}; failed {failed}; methods used: {}",
            sm.excluded_mase_s,
            sm.excluded_mase_1,
            sm.excluded_rmsse,
            used.join(", ")
        );
        if let Some(out) = &a.output {
            let owned: Vec<Series> = series
                .iter()
                .map(|s| Series {
                    id: s.id.clone(),
                    start: s.start,
                    values: Vec::new(),
                })
                .collect();
            let offsets: Vec<usize> = series.iter().map(|s| s.values.len() - horizon).collect();
            write_forecasts(out, &owned, &offsets, &results, &cfg)?;
        }
    }
    Ok(())
}

fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn bench(a: BenchArgs) -> Result<()> {
    let method = parse_method(&a.method)?;
    let cfg = Config {
        horizon: a.horizon,
        season: 12,
        method,
        levels: a.levels.clone(),
        festival: false,
    };
    cfg.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
    let t0 = Instant::now();
    let mut values = Vec::with_capacity(a.series * a.months);
    let mut rng = forecast::synth::Rng::new(a.seed);
    let mut buf = Vec::with_capacity(a.months);
    for _ in 0..a.series {
        forecast::synth::intermittent_series(&mut rng, a.months, &mut buf);
        values.extend_from_slice(&buf);
    }
    let gen_s = t0.elapsed().as_secs_f64();
    let inputs: Vec<SeriesInput<'_>> = values
        .chunks(a.months.max(1))
        .map(|c| SeriesInput {
            values: c,
            start: Some((2023, 1)),
        })
        .collect();
    let (results, dt) = run_batch(&inputs, &cfg);
    let mut total = 0.0;
    let mut failed = 0usize;
    let mut used: HashMap<&'static str, usize> = HashMap::new();
    for r in &results {
        match r {
            Ok(f) => {
                total += f.mean.iter().sum::<f64>();
                *used.entry(f.method).or_default() += 1;
            }
            Err(_) => failed += 1,
        }
    }
    let mut used: Vec<_> = used.into_iter().collect();
    used.sort_by_key(|u| std::cmp::Reverse(u.1));
    println!(
        "bench: {} 条 × {} 月，h = {}，线程 {}；生成 {gen_s:.2} 秒，预测 {dt:.2} 秒（{:.1} µs/序列）；预测总量 {total:.0}；失败 {failed}",
        a.series,
        a.months,
        a.horizon,
        rayon_threads(),
        1e6 * dt / a.series.max(1) as f64
    );
    println!("methods used: {used:?}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(parse_period("2024-02"), Some((2024, 2)));
        assert_eq!(parse_period("2024-13"), None);
        assert_eq!(parse_period("24-01"), None);
        assert_eq!(fmt_period(month_index((2024, 12)) + 1), "2025-01");
        assert_eq!(fmt_num(1.5), "1.5");
        assert_eq!(fmt_num(2.0), "2");
    }
}
