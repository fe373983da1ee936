//! `m135 allocate quota|balance`: the allocation engine (crate `allocate`) on JSON files.
//!
//! A file holds one problem object or an array of them; the output mirrors it. Formats, with an
//! example each, are documented in `crates/allocate/README.md` (files under
//! `crates/allocate/examples-data/`). Bad input is reported with the field path (and array index)
//! and a non-zero exit.

use allocate::balance::{self, BalanceConfig};
use allocate::io::{self, BalanceOutput, QuotaOutput};
use allocate::tier_quota::{self, QuotaPolicy, SplitRule, TieBreak};
use anyhow::{Context, Result, anyhow};
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// `m135 allocate …`
#[derive(Args, Debug)]
pub struct AllocateCmd {
    #[command(subcommand)]
    pub sub: AllocateSub,
}

#[derive(Subcommand, Debug)]
pub enum AllocateSub {
    /// 按档位投放：由计划投放量与各档客户数计算每档每户限量（精确最优）
    Quota(QuotaArgs),
    /// 修正平衡：按供应量对客户预测量按比例削减（最大余数法）
    Balance(BalanceArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// 有 share 用 share；B2 按城网/农网比例；否则按客户数比例
    Auto,
    /// 按各子市场（加权）客户数比例拆分
    Proportional,
    /// 不拆分，全部子市场联合求最大投放量（规模受限）
    Joint,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// 先覆盖面（更多客户有货），再平缓
    CoverageFirst,
    /// 先平缓（最高档限量最小），再覆盖面
    FlatnessFirst,
}

#[derive(Args, Debug)]
pub struct QuotaArgs {
    /// 输入 JSON（一个问题对象或数组）
    #[arg(long)]
    pub input: PathBuf,
    /// 输出 JSON（缺省打印到标准输出）
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// 策略 JSON（QuotaPolicy 字段，缺省按 domain.md 默认值）；命令行选项优先
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// 子市场之间如何拆分计划量
    #[arg(long, value_enum)]
    pub split: Option<Split>,
    /// 同为最大投放量时的取舍顺序
    #[arg(long, value_enum)]
    pub order: Option<Order>,
    /// B2 城网占计划量的百分比（默认 40）
    #[arg(long)]
    pub urban_percent: Option<u64>,
    /// 改用 §4.3 公布的贪心算法（对照用）
    #[arg(long)]
    pub greedy: bool,
}

#[derive(Args, Debug)]
pub struct BalanceArgs {
    /// 输入 JSON（一个问题对象或数组）
    #[arg(long)]
    pub input: PathBuf,
    /// 输出 JSON（缺省打印到标准输出）
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// 削减超过预测量的该比例（基点，3000 = 30%）时标记，供客户经理跟进；缺省取配置
    /// “需求预测与修正平衡”的默认值（balance_flag_cut_share = 0.3）
    #[arg(long)]
    pub flag_threshold_bp: Option<u64>,
}

pub fn run(cmd: AllocateCmd) -> Result<()> {
    match cmd.sub {
        AllocateSub::Quota(a) => quota(a),
        AllocateSub::Balance(a) => balance_cmd(a),
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("无法读取输入文件 {}", path.display()))
}

fn write(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, format!("{text}\n"))
            .with_context(|| format!("无法写入输出文件 {}", p.display())),
        None => stdout(format!("{text}\n").as_bytes()),
    }
}

/// Write to stdout; a closed pipe (e.g. `| head`) is not an error.
pub(crate) fn stdout(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("无法写入标准输出"),
    }
}

fn quota(a: QuotaArgs) -> Result<()> {
    let mut policy: QuotaPolicy = match &a.policy {
        Some(p) => serde_json::from_str(&read(p)?)
            .map_err(|e| anyhow!("策略文件 {} 无法解析: {e}", p.display()))?,
        None => QuotaPolicy::default(),
    };
    if let Some(s) = a.split {
        policy.split = match s {
            Split::Auto => SplitRule::Auto,
            Split::Proportional => SplitRule::Proportional,
            Split::Joint => SplitRule::Joint,
        };
    }
    if let Some(o) = a.order {
        policy.tie_breaks = match o {
            Order::CoverageFirst => vec![TieBreak::Coverage, TieBreak::Flatness],
            Order::FlatnessFirst => vec![TieBreak::Flatness, TieBreak::Coverage],
        };
    }
    if let Some(u) = a.urban_percent {
        policy.b2_urban_percent = u;
    }
    let text = read(&a.input)?;
    let (problems, array) = io::parse_many(&text, io::quota_problem).map_err(|e| anyhow!("{e}"))?;
    let mut out = Vec::with_capacity(problems.len());
    for (i, p) in problems.iter().enumerate() {
        let s = if a.greedy {
            tier_quota::greedy(p, &policy)
        } else {
            tier_quota::allocate(p, &policy)
        };
        let s = s.map_err(|e| {
            if array {
                anyhow!("[{i}] {e}")
            } else {
                anyhow!("{e}")
            }
        })?;
        out.push(QuotaOutput::from(&s));
    }
    write(a.output.as_deref(), &io::render_many(&out, array))
}

fn balance_cmd(a: BalanceArgs) -> Result<()> {
    let cfg = BalanceConfig {
        flag_threshold_bp: a.flag_threshold_bp.unwrap_or_else(|| {
            (domain::config::ForecastPolicy::default().balance_flag_cut_share * 10_000.0).round()
                as u64
        }),
    };
    let text = read(&a.input)?;
    let (problems, array) =
        io::parse_many(&text, io::balance_problem).map_err(|e| anyhow!("{e}"))?;
    let mut out = Vec::with_capacity(problems.len());
    for p in &problems {
        let s = balance::balance(p, &cfg).map_err(|e| anyhow!("{e}"))?;
        out.push(BalanceOutput::new(p, &s));
    }
    write(a.output.as_deref(), &io::render_many(&out, array))
}
