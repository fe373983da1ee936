//! Benchmark terminals (`/benchmarks`, `/api/v1/benchmarks…`, domain.md §10): designated among a
//! rep's modern terminals up to the policy's most, scored on the rubric, the in-store service day
//! kept as a visit, the month set against the cluster by SQL, who may do what, the KPI page's
//! count against the target.
use crate::harness::*;

const API: &str = "/api/v1/benchmarks";

/// The rep's retailer codes: five made modern terminals, one left as it is.
async fn setup(t: &TestApp, rep: &str) -> (Vec<String>, String) {
    let id = t.staff_id(rep).await;
    let codes: Vec<String> = store::on_db!(t.db(), p => sqlx::query_scalar::<_, String>(
        "SELECT customer_code FROM retailer WHERE account_manager_id = $1 AND business_status <> 'CLOSED' ORDER BY customer_code LIMIT 6")
        .bind(id).fetch_all(p).await.expect("codes"));
    for c in &codes[..5] {
        store::on_db!(t.db(), p => sqlx::query("UPDATE retailer SET terminal_level = 'MODERN' WHERE customer_code = $1")
            .bind(c).execute(p).await.map(|_| ()).expect("modern"));
    }
    t.exec(
        "UPDATE retailer SET terminal_level = 'NORMAL' WHERE customer_code = (SELECT MAX(customer_code) FROM retailer WHERE account_manager_id = $1 AND customer_code IN (SELECT customer_code FROM retailer WHERE account_manager_id = $1 ORDER BY customer_code LIMIT 6))",
        &[id],
    )
    .await;
    (codes[..5].to_vec(), codes[5].clone())
}

both_backends!(
    benchmark_terminals_designated_scored_and_visited,
    async |t: TestApp| {
        let rep = t.user_of_role("account_manager").await;
        let other = t.users_of_role("account_manager").await.remove(1);
        let (modern, normal) = setup(&t, &rep).await;
        let c = t.login(&rep).await;
        let (_, v) = t.get_json(&c, API).await;
        let rep_id = t.staff_id(&rep).await;
        let mine = v["reps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rep_id"] == rep_id)
            .unwrap()
            .clone();
        let (target, most) = (
            mine["target"].as_i64().unwrap(),
            mine["most"].as_i64().unwrap(),
        );
        assert_eq!(mine["count"], 0);
        assert!(most >= target && most >= 1);
        assert!(v["candidates"].as_array().unwrap().len() >= 5);

        // Refusals by name: not a modern terminal, another rep's shop, no reason.
        let (s, e) = t
            .post_json(
                &c,
                API,
                &json!({"customer_code": normal, "reason": "客流大"}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert!(e.to_string().contains("customer_code") && e.to_string().contains("现代终端"));
        let theirs = t.first_retailer_of(&other).await;
        let (s, _) = t
            .post_json(
                &c,
                API,
                &json!({"customer_code": theirs, "reason": "客流大"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, e) = t
            .post_json(&c, API, &json!({"customer_code": modern[0]}))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        // Up to the most, then 409.
        let mut ids = Vec::new();
        for code in modern.iter().take(most as usize) {
            let (s, b) = t
                .post_json(
                    &c,
                    API,
                    &json!({"customer_code": code, "reason": "位置好、客流大"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
            ids.push(b["id"].as_i64().unwrap());
        }
        let (s, e) = t
            .post_json(
                &c,
                API,
                &json!({"customer_code": modern[most as usize], "reason": "再设一家"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert_eq!(t.audit_count("benchmark.designate").await, most);
        let id = ids[0];

        // Scores: every rubric item within its maximum.
        let (_, page) = t.get_json(&c, API).await;
        let rubric = page["rubric"].as_array().unwrap().clone();
        let mut items = serde_json::Map::new();
        for i in &rubric {
            items.insert(
                i["code"].as_str().unwrap().into(),
                json!(i["max"].as_i64().unwrap() - 1),
            );
        }
        let full: i64 = rubric.iter().map(|i| i["max"].as_i64().unwrap()).sum();
        let mut missing = items.clone();
        missing.remove(rubric[0]["code"].as_str().unwrap());
        let path = format!("{API}/{id}/scores");
        let (s, e) = t.post_json(&c, &path, &json!({"items": missing})).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert!(
            e.to_string()
                .contains(&format!("items.{}", rubric[0]["code"].as_str().unwrap()))
        );
        let mut over = items.clone();
        over.insert(rubric[1]["code"].as_str().unwrap().into(), json!(999));
        let (s, _) = t.post_json(&c, &path, &json!({"items": over})).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, b) = t
            .post_json(&c, &path, &json!({"items": items, "note": "陈列规范"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["last_score"], full - rubric.len() as i64);
        assert_eq!(b["scores"].as_array().unwrap().len(), 1);

        // The in-store service day: a visit of its own kind, once a day, not in the future.
        let days = format!("{API}/{id}/in-store-days");
        let (s, _) = t
            .post_json(
                &c,
                &days,
                &json!({"date": "2026-12-01", "findings": "陈列"}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, b) = t
            .post_json(
                &c,
                &days,
                &json!({"date": "2026-11-14", "hours": 6, "findings": "协助调整陈列，讲解新品"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["in_store_this_month"], true);
        assert_eq!(b["in_store_days"][0], "2026-11-14");
        let rid = b["retailer_id"].as_i64().unwrap();
        assert_eq!(
            t.scalar_i64(
                "SELECT COUNT(*) FROM visit WHERE retailer_id = $1 AND kind = 'IN_STORE_DAY'",
                &[rid]
            )
            .await,
            1
        );
        let (s, _) = t
            .post_json(
                &c,
                &days,
                &json!({"date": "2026-11-14", "findings": "又一次"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // The month against the cluster (same area and format), by SQL.
        let cmp = &b["compare"];
        assert_eq!(cmp["month"], "2026-10");
        let own = t
        .scalar_i64(
            "SELECT CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT) FROM sales_month WHERE retailer_id = $1 AND month = '2026-10'",
            &[rid],
        )
        .await;
        assert_eq!(cmp["qty"], own);
        let cluster = "FROM sales_month s JOIN retailer r ON r.id = s.retailer_id JOIN retailer me ON me.id = $1 \
                   WHERE r.area_id = me.area_id AND r.business_format = me.business_format AND s.month = '2026-10'";
        let cq = t
            .scalar_i64(
                &format!("SELECT CAST(SUM(s.supplied_qty) AS BIGINT) {cluster}"),
                &[rid],
            )
            .await;
        let cn = t
            .scalar_i64(
                &format!("SELECT COUNT(DISTINCT s.retailer_id) {cluster} AND s.supplied_qty > 0"),
                &[rid],
            )
            .await;
        assert_eq!(cmp["cluster_buyers"], cn);
        assert!((cmp["cluster_avg_qty"].as_f64().unwrap() - cq as f64 / cn as f64).abs() < 1e-9);

        // Others: another rep neither sees nor scores it; the market manager sees it, may not score
        // it, may remove it.
        let oc = t.login(&other).await;
        let (s, _) = t.get_json(&oc, &format!("{API}/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = t.post_json(&oc, &path, &json!({"items": items})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let mm = t.login(&t.manager_of(&rep).await).await;
        let (s, v) = t.get_json(&mm, API).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            v["terminals"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == id)
        );
        let (s, _) = t.post_json(&mm, &path, &json!({"items": items})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = t
            .post_json(&mm, &format!("{API}/{id}/remove"), &json!({"reason": ""}))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let r = t
            .post_json_raw(
                &mm,
                &format!("{API}/{id}/remove"),
                &json!({"reason": "停业装修"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let (s, _) = t
            .post_json(
                &mm,
                &format!("{API}/{id}/remove"),
                &json!({"reason": "再撤"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // The KPI page counts the rep's terminals against the target.
        let (_, k) = t.get_json(&c, "/api/v1/kpi").await;
        let b = &k["benchmarks"][0];
        assert_eq!(b["count"], most - 1);
        assert_eq!(b["target"], target);
        assert_eq!(b["met"], most > target);

        // The page: in the rep's menu, designate by form.
        let (s, home) = t.get_html(&c, "/").await;
        assert_eq!(s, StatusCode::OK);
        assert!(home.contains("href=\"/benchmarks\""));
        let (s, html) = t.get_html(&c, "/benchmarks").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("设立标杆终端") && html.contains("记录驻店服务日"));
        let r = t
            .submit_form(
                &c,
                "/benchmarks",
                "/benchmarks",
                &[
                    ("customer_code", &modern[0]),
                    ("reason", "恢复营业后重新设立"),
                ],
            )
            .await;
        // modern[0] was removed above: designated again.
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, v) = t.get_json(&c, API).await;
        assert_eq!(v["terminals"].as_array().unwrap().len() as i64, most);
    }
);
