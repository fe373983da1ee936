//! The demo city's history (`app::demo`): a small city opened through `app::open`, generated
//! with three worked months, has what the forecast meeting and a rep's forecast page need —
//! on SQLite, and on PostgreSQL when `TEST_POSTGRES_URL` is set.
use app::accuracy::AccuracyBy;
use app::demo::{DemoHistory, SimConfig, no_progress};
use app::month_run;
use domain::Month;
use domain::org::Role;

fn config() -> SimConfig {
    let mut cfg = SimConfig::new(Month::new(2026, 10).unwrap(), "hash");
    cfg.retailers = 80;
    cfg.months = 13;
    cfg.counties = 1;
    cfg.seed = 9;
    cfg
}

async fn check(url: &str) {
    let app = app::open(url).await.unwrap();
    assert!(app.is_empty().await.unwrap());
    let out = app::demo::city(&app, &config(), &DemoHistory::default(), &no_progress)
        .await
        .unwrap();
    let months: Vec<&str> = out
        .history
        .months
        .iter()
        .map(|m| m.target.as_str())
        .collect();
    assert_eq!(months, ["2026-08", "2026-09", "2026-10"]);
    for m in &out.history.months {
        assert!(m.model_pairs > 0 && m.interactive > 0, "{m:?}");
        assert!(
            m.submitted_reps > 0 && m.published > 0 && m.ticks > 0,
            "{m:?}"
        );
    }
    assert_eq!(out.history.current.as_ref().unwrap().0, "2026-12");
    assert!(out.summary_zh().starts_with("已生成: 80 家零售客户"));

    // In the month after the history, as a person would see it.
    app.clock.set(Some(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 3)
            .unwrap()
            .and_hms_opt(2, 0, 0)
            .unwrap()
            .and_utc(),
    ));
    let manager = month_run::first_of(&app, Role::MarketManager)
        .await
        .unwrap();
    let acc = app::accuracy::accuracy(
        &app,
        &manager,
        Month::new(2026, 10).unwrap(),
        AccuracyBy::Method,
    )
    .await
    .unwrap();
    let methods: Vec<&str> = acc.rows.iter().map(|r| r.key.as_str()).collect();
    assert!(
        methods.contains(&"MODEL") && methods.contains(&"INTERACTIVE_VISIT"),
        "{methods:?}"
    );
    for r in &acc.rows {
        if r.key != "NONE" {
            assert!(r.weighted_accuracy.unwrap_or(0.0) > 0.2, "{r:?}");
            assert!(r.order_fill_rate.unwrap_or(0.0) > 0.5, "{r:?}");
        }
    }
    // the rep knows the shop: interactive figures beat the model on the same retailers
    let c = &acc.comparison;
    assert!(c.retailers > 0);
    assert!(c.interactive_accuracy > c.model_accuracy, "{c:?}");
    // a rep's forecast page for the month they forecast now has the model's figures
    let rep = month_run::reps(&app).await.unwrap().remove(0);
    let list = app::forecasting::list(&app, &rep, Month::new(2026, 12).unwrap())
        .await
        .unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter()
            .all(|f| f.method == "MODEL" && f.state == "DRAFT")
    );
    // the month before has been fed back to most retailers
    let fed = app::balancing::feedback_list(&app, &rep, Month::new(2026, 10).unwrap())
        .await
        .unwrap();
    let ticked = fed.iter().filter(|f| f.ticked_at.is_some()).count();
    assert!(ticked * 10 >= fed.len() * 8, "{ticked} of {}", fed.len());
    // new-SKU listing programmes: the recent launches', the ones whose period is over reviewed
    let page = app::new_sku::page(&app, &rep).await.unwrap();
    assert!(!page.programmes.is_empty());
    assert!(
        page.programmes
            .iter()
            .any(|g| g.row.decision.is_some() && g.row.status == "CONCLUDED"
                || g.row.decision.as_deref() == Some("ADJUST")),
        "a reviewed programme"
    );
    let all = app::new_sku::detail(&app, &rep, page.programmes[0].row.id)
        .await
        .unwrap();
    assert!(all.effect.effect.listed > 0, "{:?}", all.effect);
    // the month's close (§7 ⑥): social inventory restored from a year of collections, the
    // rep's profit surveys entered, a satisfaction wave answered, the reports written
    let inv = app::inventory::page(&app, &rep, &Default::default())
        .await
        .unwrap();
    let total = inv.total.expect("a restored month");
    assert!(total.stock.n > 0 && total.stock.total > 0.0, "{total:?}");
    assert!(inv.trend.len() >= 12, "{}", inv.trend.len());
    let profit = app::profit::page(&app, &rep, None).await.unwrap();
    let t = profit.total.expect("surveys of the rep");
    assert!(t.done > 0 && t.margin_pct.is_some(), "{t:?}");
    let db = store::Db::connect(url).await.unwrap();
    let center = store::repo::staff::list(&db, Some(Role::MarketingCenter.code()), None)
        .await
        .unwrap()
        .remove(0);
    let center = app::auth::current(&app, center.id).await.unwrap();
    let sat = app::satisfaction::page(&app, &center, None).await.unwrap();
    assert!(sat.scope.expect("a wave").answered > 0);
    let reports = app::report::list(&app, &center).await.unwrap();
    assert!(reports.reports.iter().any(|(r, _)| r.status == "ACCEPTED"));
    // people (§11): every rep's record, an approved grading round with its appeals, a year of
    // payroll; the rep sees their grade and pay
    let hr = app::people::hr_list(&app, &center).await.unwrap();
    assert!(
        hr.iter()
            .all(|h| h.row.version.is_some() && h.grade_zh.is_some())
    );
    let rounds = app::grading::rounds(&app, &center).await.unwrap();
    let round = &rounds.rounds[0];
    assert_eq!(round.row.status, "APPROVED");
    let detail = app::grading::round(&app, &center, round.row.id)
        .await
        .unwrap();
    assert!(!detail.appeals.is_empty());
    assert!(detail.candidates.iter().any(|c| c.final_zh.is_some()));
    let payroll = app::people::payroll(&app, &center, None).await.unwrap();
    assert_eq!(payroll.months.len(), 12);
    assert!(payroll.skipped.is_empty() && payroll.total_fen > 0);
    let me = app::people::me(&app, &rep).await.unwrap();
    assert!(me.hr.grade_zh.is_some() && me.pay.len() == 12);
    // 应知应会: the bank and twelve months of papers sat
    let tests = app::exam::tests(&app, &center).await.unwrap();
    assert!(tests.bank_size >= 40 && tests.tests.len() >= 12);
    assert!(tests.tests.iter().filter(|t| t.submitted > 0).count() >= 12);
    assert!(me.tests.len() >= 11 && me.tests.iter().all(|t| t.2.is_some()));
    app.close().await;
}

#[tokio::test]
async fn demo_city_has_worked_months_on_sqlite() {
    let path = std::env::temp_dir().join(format!("m135-app-demo-{}.db", std::process::id()));
    check(&format!("sqlite:{}", path.display())).await;
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

#[tokio::test]
async fn demo_city_has_worked_months_on_postgres() {
    let Some(base) = std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("TEST_POSTGRES_URL not set: PostgreSQL demo test skipped");
        return;
    };
    let name = format!("app_demo_{}", std::process::id());
    let url = store::testdb::create(&base, &name).await.unwrap();
    check(&url).await;
    store::testdb::drop(&base, &name).await.unwrap();
}

/// The demo city's futures can run on a spawned task (a test harness or a server may need it).
#[allow(dead_code)]
fn futures_are_send(app: &app::App) {
    fn assert_send<T: Send>(_: &T) {}
    let hist = DemoHistory::default();
    assert_send(&app::demo::city(app, &config(), &hist, &no_progress));
    assert_send(&app::demo::history(
        app,
        Month::new(2026, 10).unwrap(),
        9,
        &hist,
        &no_progress,
    ));
    assert_send(&app::open("sqlite::memory:"));
}
