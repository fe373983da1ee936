//! `m135 tier`: 客户分档 (domain.md §3.2) on a CSV file.
//!
//! Input CSV (header row, UTF-8): `id` (客户编码, required), one column per scoring metric named
//! as in the configuration (default `amount`, `qty`, `lowtar_qty` — the V1 weights 0.7/0.2/0.1),
//! `amount` (购进金额 元, required: first tie-break), and optional `licence_date` (YYYY-MM-DD, older
//! first on ties), `is_new` (1/0, true/false, 是/否), `business_format`, `proposed_tier`.
//! Output CSV: `id,score,rank,tier,reason` in input order; `score` has 2 decimals (empty for new
//! retailers and the V5 cross), `reason` is 排名 / 交叉(总量档q,单条值档v) / 新客户 / 人工调整:原因.
//! Overrides CSV (`--overrides`): `id,tier,reason`.

use allocate::Tier;
use allocate::tiering::{
    self, Normalisation, RetailerMetrics, ShareTable, TierOverride, TierReason, TieringConfig,
    TieringMethod,
};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// 金字塔
    Pyramid,
    /// 橄榄型
    Olive,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norm {
    /// 除以最大值
    Max,
    /// 百分位排名
    Percentile,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodArg {
    /// 加权评分 + 相对排名 + 比例切档（V1–V4）
    Weighted,
    /// 总量10档 × 单条值3档交叉（V5），总量列为 qty
    Cross,
}

/// `m135 tier …`
#[derive(Args, Debug)]
pub struct TierCmd {
    /// 输入 CSV（列见 m135 tier --help 与 crates/allocate/README.md）
    #[arg(long)]
    pub input: PathBuf,
    /// 输出 CSV（缺省打印到标准输出）
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// 分档配置 JSON（TieringConfig 字段）；命令行选项优先
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 档位比例表形状
    #[arg(long, value_enum)]
    pub shares: Option<Shape>,
    /// 指标归一化方式
    #[arg(long, value_enum)]
    pub normalisation: Option<Norm>,
    /// 分档方法
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,
    /// 人工调整 CSV（列 id,tier,reason）
    #[arg(long)]
    pub overrides: Option<PathBuf>,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("无法读取文件 {}", path.display()))
}

fn col(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
}

fn num(rec: &csv::StringRecord, idx: usize, line: usize, name: &str) -> Result<f64> {
    let s = rec.get(idx).unwrap_or("").trim();
    let v: f64 = s
        .parse()
        .map_err(|_| anyhow!("第{line}行 字段 {name}: “{s}”不是数字"))?;
    if !(v.is_finite() && v >= 0.0) {
        bail!("第{line}行 字段 {name}: 不能为负数（{s}）");
    }
    Ok(v)
}

pub fn run(cmd: TierCmd) -> Result<()> {
    let mut cfg: TieringConfig = match &cmd.config {
        Some(p) => serde_json::from_str(&read(p)?)
            .map_err(|e| anyhow!("配置文件 {} 无法解析: {e}", p.display()))?,
        None => TieringConfig::default(),
    };
    if let Some(s) = cmd.shares {
        cfg.shares = match s {
            Shape::Pyramid => ShareTable::pyramid(),
            Shape::Olive => ShareTable::olive(),
        };
    }
    if let Some(n) = cmd.normalisation {
        cfg.normalisation = match n {
            Norm::Max => Normalisation::Max,
            Norm::Percentile => Normalisation::Percentile,
        };
    }
    if let Some(m) = cmd.method {
        cfg.method = match m {
            MethodArg::Weighted => TieringMethod::Weighted,
            MethodArg::Cross => {
                let q = cfg
                    .metrics
                    .iter()
                    .position(|m| m.name == "qty")
                    .ok_or_else(|| anyhow!("交叉分档需要名为 qty 的指标"))?;
                TieringMethod::Cross { qty_metric: q }
            }
        };
    }
    let text = read(&cmd.input)?;
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr.headers().context("输入 CSV 缺少表头")?.clone();
    let id_col = col(&headers, "id").ok_or_else(|| anyhow!("输入 CSV 缺少列 id"))?;
    let amount_col =
        col(&headers, "amount").ok_or_else(|| anyhow!("输入 CSV 缺少列 amount（购进金额）"))?;
    let metric_cols: Vec<usize> = cfg
        .metrics
        .iter()
        .map(|m| col(&headers, &m.name).ok_or_else(|| anyhow!("输入 CSV 缺少指标列 {}", m.name)))
        .collect::<Result<_>>()?;
    let opt = |n: &str| col(&headers, n);
    let (lic, new, fmt, prop) = (
        opt("licence_date"),
        opt("is_new"),
        opt("business_format"),
        opt("proposed_tier"),
    );
    let mut rs = Vec::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k + 2;
        let rec = rec.with_context(|| format!("第{line}行无法读取"))?;
        let id = rec.get(id_col).unwrap_or("").trim().to_string();
        if id.is_empty() {
            bail!("第{line}行 字段 id: 客户编码不能为空");
        }
        let values = metric_cols
            .iter()
            .zip(&cfg.metrics)
            .map(|(&c, m)| num(&rec, c, line, &m.name))
            .collect::<Result<Vec<_>>>()?;
        let amount = num(&rec, amount_col, line, "amount")?;
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let is_new = match get(new) {
            None | Some("0" | "false" | "否" | "N" | "n") => false,
            Some("1" | "true" | "是" | "Y" | "y") => true,
            Some(other) => bail!("第{line}行 字段 is_new: “{other}”应为 1/0"),
        };
        let proposed_tier = match get(prop) {
            None => None,
            Some(s) => Some(Tier::parse(s).map_err(|_| {
                anyhow!("第{line}行 字段 proposed_tier: 未知档位“{s}”（应为1–30）")
            })?),
        };
        rs.push(RetailerMetrics {
            id,
            values,
            amount,
            licence_date: get(lic).map(str::to_string),
            is_new,
            business_format: get(fmt).map(str::to_string),
            proposed_tier,
        });
    }
    let mut out = tiering::run(&rs, &cfg).map_err(|e| anyhow!("{e}"))?;
    if let Some(p) = &cmd.overrides {
        let text = read(p)?;
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut ovs = Vec::new();
        for (k, rec) in rdr.records().enumerate() {
            let line = k + 2;
            let rec = rec.with_context(|| format!("调整文件第{line}行无法读取"))?;
            let tier_s = rec.get(1).unwrap_or("");
            let tier = Tier::parse(tier_s)
                .map_err(|_| anyhow!("调整文件第{line}行 字段 tier: 未知档位“{tier_s}”"))?;
            ovs.push(TierOverride {
                id: rec.get(0).unwrap_or("").to_string(),
                tier,
                reason: rec.get(2).unwrap_or("").to_string(),
            });
        }
        tiering::apply_overrides(&mut out, &ovs).map_err(|e| anyhow!("{e}"))?;
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "score", "rank", "tier", "reason"])?;
    for a in &out {
        let reason = match &a.reason {
            TierReason::Ranked => "排名".to_string(),
            TierReason::Cross {
                qty_band,
                value_band,
            } => format!("交叉(总量档{qty_band},单条值档{value_band})"),
            TierReason::NewRetailer => "新客户".to_string(),
            TierReason::Override { reason, previous } => {
                format!("人工调整:{reason}(原{})", previous.get())
            }
        };
        w.write_record([
            a.id.clone(),
            a.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
            a.rank.map(|r| r.to_string()).unwrap_or_default(),
            a.tier.get().to_string(),
            reason,
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow!("{e}"))?;
    match &cmd.output {
        Some(p) => {
            std::fs::write(p, bytes).with_context(|| format!("无法写入输出文件 {}", p.display()))
        }
        None => super::allocate::stdout(&bytes),
    }
}
