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
    /// 演示：在本地 SQLite 文件中生成模拟城市（首次）并启动服务
    Demo(commands::platform::DemoCmd),
    /// 启动服务（SQLite 或 PostgreSQL），启动时自动迁移数据库
    Serve(commands::platform::ServeCmd),
    /// 迁移数据库到最新结构
    Migrate(commands::platform::DbArgs),
    /// 在空数据库中生成模拟城市（也可用于 PostgreSQL）
    Sim(commands::platform::SimCmd),
    /// 用户管理
    #[command(subcommand)]
    User(commands::platform::UserCmd),
    /// 货源投放引擎：按档位投放（quota）与修正平衡（balance），JSON 文件进出
    Allocate(commands::allocate::AllocateCmd),
    /// 客户分档：按指标评分排名并切成 30 档，CSV 文件进出
    Tier(commands::tier::TierCmd),
    /// 需求预测引擎：对 CSV 文件预测、评估（eval）与规模测试（bench）
    Forecast(commands::forecast::ForecastCmd),
    /// 月度工作：按日历推进一个月（模型预测、提交、修正平衡、发布），用于演示与性能测试
    #[command(subcommand)]
    Month(commands::month::MonthCmd),
}

/// Parse the process arguments and run the chosen command; errors are printed in one line.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match cli.command {
        Command::Demo(c) => commands::platform::demo(c),
        Command::Serve(c) => commands::platform::serve(c),
        Command::Migrate(c) => commands::platform::migrate(c),
        Command::Sim(c) => commands::platform::sim(c),
        Command::User(c) => commands::platform::user(c),
        Command::Allocate(c) => commands::allocate::run(c),
        Command::Tier(c) => commands::tier::run(c),
        Command::Forecast(c) => commands::forecast::run(c),
        Command::Month(c) => commands::month::run(c),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误: {e:#}");
            ExitCode::FAILURE
        }
    }
}
