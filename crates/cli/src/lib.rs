//! Command-line face of m135 (design.md §5): the platform commands and the engines on files.
#![forbid(unsafe_code)]

pub mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "m135", version, about = "m135 — 135 工作法营销平台")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 货源投放引擎：按档位投放（quota）与修正平衡（balance），JSON 文件进出
    Allocate(commands::allocate::AllocateCmd),
    /// 客户分档：按指标评分排名并切成 30 档，CSV 文件进出
    Tier(commands::tier::TierCmd),
    /// 需求预测引擎：对 CSV 文件预测、评估（eval）与规模测试（bench）
    Forecast(commands::forecast::ForecastCmd),
}

/// Parse the process arguments and run the chosen command; errors are printed in one line.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match cli.command {
        Command::Allocate(c) => commands::allocate::run(c),
        Command::Tier(c) => commands::tier::run(c),
        Command::Forecast(c) => commands::forecast::run(c),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误: {e:#}");
            ExitCode::FAILURE
        }
    }
}
