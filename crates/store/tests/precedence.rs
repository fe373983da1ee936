//! §5.1 precedence has one home, `domain::cycle::PRECEDENCE`: `domain::cycle::resolve` reads it
//! and `store::repo::forecasts::resolve_sql` generates the SQL that settles records in the
//! database from it. This test pins the SQL to `resolve` on every combination of present and
//! absent figures, on SQLite and (when `TEST_POSTGRES_URL` is set) PostgreSQL, both with the
//! record's own columns and with the new model figure of an upsert (`excluded.model_qty`).
use domain::cycle::{self, Figure, MethodFigures};
use store::repo::forecasts::{figure_column, resolve_sql};
use store::{Db, on_db};

/// Every combination of the four figures present (with distinct values) or absent.
fn combinations() -> Vec<MethodFigures> {
    (0..16u8)
        .map(|bits| {
            let on = |i: u8, v: i64| (bits >> i & 1 == 1).then_some(v);
            MethodFigures {
                model: on(0, 11),
                interactive: on(1, 22),
                self_report: on(2, 33),
                self_report_reviewed: on(3, 44),
            }
        })
        .collect()
}

/// Evaluate the generated SQL on one record's figures. The figures are bound as columns of a
/// derived table named like the forecast record (`f`) with the model figure also offered as
/// `x.model_qty`, the way an upsert sees `excluded.model_qty`.
async fn settle_in_sql(db: &Db, f: &MethodFigures, model_from_upsert: bool) -> (String, i64) {
    let (method, quantity) = resolve_sql(
        |fig| match fig {
            Figure::Model if model_from_upsert => "x.model_qty".into(),
            fig => format!("f.{}", figure_column(fig)),
        },
        ("'NONE'", "-1"),
    );
    let q = format!(
        "SELECT {method}, CAST({quantity} AS BIGINT) FROM \
         (SELECT CAST($1 AS BIGINT) AS model_qty, CAST($2 AS BIGINT) AS interactive_qty, \
         CAST($3 AS BIGINT) AS self_report_qty, CAST($4 AS BIGINT) AS self_report_reviewed_qty) f, \
         (SELECT CAST($5 AS BIGINT) AS model_qty) x"
    );
    let (f_model, x_model) = if model_from_upsert {
        (None, f.model)
    } else {
        (f.model, None)
    };
    let row: (String, i64) = on_db!(db, p => sqlx::query_as(&q)
        .bind(f_model)
        .bind(f.interactive)
        .bind(f.self_report)
        .bind(f.self_report_reviewed)
        .bind(x_model)
        .fetch_one(p)
        .await)
    .expect("precedence SQL runs");
    row
}

async fn pin(db: &Db, backend: &str) {
    for f in combinations() {
        let want = cycle::resolve(&f)
            .map(|(m, q)| (m.code().to_string(), q))
            .unwrap_or(("NONE".into(), -1));
        for upsert in [false, true] {
            let got = settle_in_sql(db, &f, upsert).await;
            assert_eq!(got, want, "{backend}: {f:?} (model from upsert: {upsert})");
        }
    }
}

#[tokio::test]
async fn sql_precedence_matches_domain_resolve_on_sqlite() {
    let db = Db::connect("sqlite::memory:").await.expect("sqlite");
    pin(&db, "SQLite").await;
}

#[tokio::test]
async fn sql_precedence_matches_domain_resolve_on_postgres() {
    let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
        eprintln!("TEST_POSTGRES_URL not set: PostgreSQL run skipped");
        return;
    };
    let db = Db::connect(&url).await.expect("postgres");
    pin(&db, "PostgreSQL").await;
}
