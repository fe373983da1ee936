//! New-SKU listing programmes (`/new-sku`, `/api/v1/new-sku-programmes…`, domain.md §6 新品上柜率,
//! §9.2): targets by rule, the listing rate, repeat purchase and volume equal to SQL over the
//! order lines, the weekly curve, the scopes, the unlisted targets on the rep's one-sheet draft,
//! the effect review (品牌进退) with its refusals, and the pages.
use crate::harness::*;

const API: &str = "/api/v1/new-sku-programmes";
/// 2026-W27 … 2026-W43: Monday 29 June to Sunday 25 October 2026 (over by the test clock).
const FROM: &str = "2026-06-29";
const TO: &str = "2026-10-25";
const RULE: &str = "r.business_status <> 'CLOSED' AND r.tier >= 3 AND r.business_format IN ('GROCERY', 'CONVENIENCE')";

/// The brand's active SKUs bought by the fewest retailers (at least `least`) in the period.
async fn skus(t: &TestApp, brand: &str, least: i64) -> Vec<(i64, String)> {
    let q = format!(
        "SELECT p.id, p.sku_code FROM order_line ol JOIN product p ON p.id = ol.product_id \
         WHERE p.brand = '{brand}' AND p.status = 'ACTIVE' AND ol.order_date >= '{FROM}' AND ol.order_date <= '{TO}' \
         AND ol.supplied_qty > 0 GROUP BY p.id, p.sku_code HAVING COUNT(DISTINCT ol.retailer_id) >= {least} \
         ORDER BY COUNT(DISTINCT ol.retailer_id), p.id"
    );
    store::on_db!(t.db(), p => sqlx::query_as::<_, (i64, String)>(&q).fetch_all(p).await.expect("skus"))
}

/// The targets (by [`RULE`] and `extra`) that bought SKU `$1` from [`FROM`] to `until`.
fn buyers_sql(until: &str, extra: &str) -> String {
    format!(
        "SELECT COUNT(DISTINCT ol.retailer_id) FROM order_line ol JOIN retailer r ON r.id = ol.retailer_id \
         WHERE ol.product_id = $1 AND ol.order_date >= '{FROM}' AND ol.order_date <= '{until}' \
         AND ol.supplied_qty > 0 AND {RULE}{extra}"
    )
}

fn pct(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

both_backends!(new_sku_programme_end_to_end, async |t: TestApp| {
    let (bm, brand) = t.brand_manager().await;
    let c = t.login(&bm).await;
    let skus = skus(&t, &brand, 3).await;
    assert!(skus.len() >= 2, "{brand}: {skus:?}");
    let (pid, sku) = skus[0].clone();

    // Refusals by name.
    let body = |extra: Value| {
        let mut b = json!({
            "sku_code": sku, "min_tier": 3, "business_formats": ["GROCERY", "CONVENIENCE"],
            "from_week": "2026-W27", "to_week": "2026-W43", "plan_qty": 5000
        });
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    for (extra, field) in [
        (json!({"plan_qty": 0}), "plan_qty"),
        (json!({"min_tier": 31}), "min_tier"),
        (json!({"min_tier": 10, "max_tier": 5}), "max_tier"),
        (json!({"business_formats": ["BAR"]}), "business_formats[0]"),
        (json!({"org_unit_codes": ["NOPE"]}), "org_unit_codes[0]"),
        (json!({"to_week": "2026-W20"}), "to_week"),
        (json!({"sku_code": "00000000"}), "sku_code"),
    ] {
        let (s, e) = t.post_json(&c, API, &body(extra.clone())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{extra}: {e}");
        assert!(e.to_string().contains(field), "{extra}: {e}");
    }
    let rep = t.user_of_role("account_manager").await;
    let rc = t.login(&rep).await;
    let (s, _) = t.post_json(&rc, API, &body(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mine = store::repo::product::brands_of_manager(t.db(), t.staff_id(&bm).await)
        .await
        .unwrap();
    let list: Vec<String> = mine.iter().map(|b| format!("'{b}'")).collect();
    let q = format!(
        "SELECT sku_code FROM product WHERE status = 'ACTIVE' AND brand NOT IN ({}) ORDER BY sku_code",
        list.join(", ")
    );
    let foreign: String =
        store::on_db!(t.db(), p => sqlx::query_scalar::<_, String>(&q).fetch_all(p).await.unwrap())
            .into_iter()
            .next()
            .expect("a SKU of another brand");
    let (s, e) = t
        .post_json(&c, API, &body(json!({"sku_code": foreign})))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");

    // Created: the targets, listing, repeat purchase and volume equal SQL over the order lines.
    let (s, g) = t.post_json(&c, API, &body(json!({}))).await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    let id = g["id"].as_i64().unwrap();
    let targets = t
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM retailer r WHERE {RULE}"),
            &[],
        )
        .await;
    let listed = t.scalar_i64(&buyers_sql(TO, ""), &[pid]).await;
    let repeat = t
        .scalar_i64(
            &format!(
                "SELECT COUNT(*) FROM (SELECT ol.retailer_id FROM order_line ol JOIN retailer r ON r.id = ol.retailer_id \
                 WHERE ol.product_id = $1 AND ol.order_date >= '{FROM}' AND ol.order_date <= '{TO}' AND ol.supplied_qty > 0 \
                 AND {RULE} GROUP BY ol.retailer_id HAVING COUNT(*) >= 2) x"
            ),
            &[pid],
        )
        .await;
    let volume = t
        .scalar_i64(
            "SELECT CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT) FROM sales_month \
             WHERE product_id = $1 AND month >= '2026-06' AND month <= '2026-10'",
            &[pid],
        )
        .await;
    assert!(listed > 0 && listed < targets, "{listed} of {targets}");
    assert_eq!(g["targets"], targets);
    assert_eq!(g["scope_targets"], targets);
    assert_eq!(g["scope_listed"], listed);
    assert_eq!(g["effect"]["listed"], listed);
    assert_eq!(g["effect"]["repeat"], repeat);
    assert_eq!(g["effect"]["volume"], volume);
    assert!((pct(&g["scope_listing_pct"]) - listed as f64 * 100.0 / targets as f64).abs() < 1e-9);
    assert!((pct(&g["effect"]["plan_pct"]) - volume as f64 * 100.0 / 5000.0).abs() < 1e-9);
    let curve = g["curve"].as_array().unwrap();
    assert_eq!(curve.len(), 17, "W27 … W43");
    assert_eq!(curve[16]["listed"], listed);
    let by_w35 = t.scalar_i64(&buyers_sql("2026-08-30", ""), &[pid]).await;
    assert_eq!(curve[8]["week"], "2026-W35");
    assert_eq!(curve[8]["listed"], by_w35);
    assert_eq!(g["breakdown_by"], "市场部");
    let sum: i64 = g["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["listed"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, listed);
    assert_eq!(g["unlisted_total"], targets - listed);
    assert_eq!(t.audit_count("new_sku.create").await, 1);
    // One active programme per SKU.
    let (s, e) = t.post_json(&c, API, &body(json!({}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");

    // 新品上柜率 on the KPI page (§6): September's targets listed by 30 September, company-wide,
    // for an area and per area one level down, equal SQL.
    let listed_sep = |extra: &str| buyers_sql("2026-09-30", extra);
    let kpi = |v: &Value| {
        v["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["code"] == "NEW_SKU_LISTING")
            .unwrap()
            .clone()
    };
    let cc = t.login(&t.user_of_role("marketing_center").await).await;
    let (s, v) = t
        .get_json(&cc, "/api/v1/kpi?scope=company&month=2026-09")
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let sep = t.scalar_i64(&listed_sep(""), &[pid]).await;
    assert_eq!(v["sums"]["listing_targets"], targets);
    assert_eq!(v["sums"]["listing_listed"], sep);
    let k = kpi(&v);
    assert!(
        (pct(&k["value"]) - sep as f64 * 100.0 / targets as f64).abs() < 1e-9,
        "{k}"
    );
    assert_eq!(k["target"], 100.0);
    assert_eq!(k["good"], false);
    let children: i64 = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sums"]["listing_listed"].as_i64().unwrap())
        .sum();
    assert_eq!(children, sep);
    let area_of = t
        .scalar_i64(
            &format!("SELECT MIN(r.area_id) FROM retailer r WHERE {RULE}"),
            &[],
        )
        .await;
    let (_, v) = t
        .get_json(
            &cc,
            &format!("/api/v1/kpi?scope=area:{area_of}&month=2026-09"),
        )
        .await;
    assert_eq!(
        v["sums"]["listing_listed"],
        t.scalar_i64(&listed_sep(" AND r.area_id = $2"), &[pid, area_of])
            .await
    );
    assert_eq!(
        v["sums"]["listing_targets"],
        t.scalar_i64(
            &format!("SELECT COUNT(*) FROM retailer r WHERE {RULE} AND r.area_id = $1"),
            &[area_of]
        )
        .await
    );
    // Before the period no programme runs: no ratio.
    let (_, v) = t
        .get_json(&cc, "/api/v1/kpi?scope=company&month=2026-05")
        .await;
    assert!(kpi(&v)["value"].is_null());

    // Scopes: the rep sees their own targets; their market manager by rep; 专卖人员 nothing.
    let rep_id: i64 = t
        .scalar_i64(
            &format!(
                "SELECT r.account_manager_id FROM retailer r WHERE {RULE} AND r.account_manager_id IS NOT NULL \
                 GROUP BY r.account_manager_id ORDER BY COUNT(*) DESC, r.account_manager_id LIMIT 1"
            ),
            &[],
        )
        .await;
    let rep = t.username_of(rep_id).await;
    let rc = t.login(&rep).await;
    let (s, v) = t.get_json(&rc, &format!("{API}/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let rep_targets = t
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM retailer r WHERE {RULE} AND r.account_manager_id = $1"),
            &[rep_id],
        )
        .await;
    assert_eq!(v["scope_targets"], rep_targets);
    assert!(v["breakdown_by"].is_null());
    assert!(
        v["unlisted"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["rep_id"] == rep_id)
    );
    let (_, list) = t.get_json(&rc, API).await;
    let row = list["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["scope_targets"], rep_targets);
    assert_eq!(list["can_create"], false);
    let mm = t.manager_of(&rep).await;
    let mc = t.login(&mm).await;
    let (_, v) = t.get_json(&mc, &format!("{API}/{id}")).await;
    assert_eq!(v["breakdown_by"], "客户经理");
    let mo = t.user_of_role("monopoly_officer").await;
    let oc = t.login(&mo).await;
    let (s, _) = t.get_json(&oc, API).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A programme running this week (W47) in the rep's area: their unlisted targets are proposed
    // on their one-sheet draft, with the brand manager's name; nothing is ticked.
    let area = t.staff(&rep).await.org_unit_id.unwrap();
    let area_code = t
        .scalar_text("SELECT code FROM org_unit WHERE id = $1", area)
        .await;
    let (pid2, sku2) = skus[1].clone();
    let (s, g2) = t
        .post_json(
            &c,
            API,
            &json!({"sku_code": sku2, "org_unit_codes": [area_code], "from_week": "2026-W40",
                    "to_week": "2026-W52", "plan_qty": 800}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{g2}");
    let id2 = g2["id"].as_i64().unwrap();
    assert_eq!(
        g2["targets"],
        t.scalar_i64(
            "SELECT COUNT(*) FROM retailer r WHERE r.business_status <> 'CLOSED' AND r.area_id = $1",
            &[area]
        )
        .await
    );
    let unlisted2 = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer r WHERE r.business_status <> 'CLOSED' AND r.account_manager_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM order_line ol WHERE ol.retailer_id = r.id AND ol.product_id = $2 \
             AND ol.order_date >= '2026-09-28' AND ol.supplied_qty > 0)",
            &[rep_id, pid2],
        )
        .await;
    let (s, v) = t
        .get_json(&rc, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let bm_name = t.staff(&bm).await.name;
    let proposed = v["proposed_priorities"].to_string();
    assert!(unlisted2 > 0, "the rep has unlisted targets of {sku2}");
    assert!(
        proposed.contains(&format!("新品上柜（品牌经理 {bm_name}）")) && proposed.contains(&sku2),
        "{proposed}"
    );
    assert!(
        proposed.contains(&format!("未上柜 {unlisted2} 户")) || unlisted2 > 8,
        "{proposed}"
    );
    assert!(v["checklist"].as_array().unwrap().is_empty());
    // Not over yet: no review.
    let (s, e) = t
        .post_json(
            &c,
            &format!("{API}/{id2}/reviews"),
            &json!({"decision": "CONTINUE", "note": "好", "version": g2["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");

    // The effect review of the first: refusals, then EXIT makes the SKU 拟退.
    let path = format!("{API}/{id}/reviews");
    let version = g["version"].clone();
    let proposal = g["effect"]["proposal"].as_str().unwrap().to_string();
    let other = if proposal == "EXIT" {
        "CONTINUE"
    } else {
        "EXIT"
    };
    let (s, e) = t
        .post_json(&c, &path, &json!({"decision": other, "version": version}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("note"), "{e}");
    let (s, e) = t
        .post_json(
            &c,
            &path,
            &json!({"decision": "ADJUST", "note": "延长", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("new_to_week"), "{e}");
    let stale = version.as_i64().unwrap() + 5;
    for (who, body, status) in [
        (
            &c,
            json!({"decision": "SOMETIME", "version": version}),
            StatusCode::BAD_REQUEST,
        ),
        (
            &rc,
            json!({"decision": "EXIT", "note": "x", "version": version}),
            StatusCode::FORBIDDEN,
        ),
        (
            &c,
            json!({"decision": "EXIT", "note": "动销不足，退出", "version": stale}),
            StatusCode::CONFLICT,
        ),
    ] {
        let (s, e) = t.post_json(who, &path, &body).await;
        assert_eq!(s, status, "{body}: {e}");
    }
    let (s, r) = t
        .post_json(
            &c,
            &path,
            &json!({"decision": "EXIT", "note": "动销不足，退出", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "CONCLUDED");
    assert_eq!(r["decision"], "EXIT");
    assert_eq!(r["reviews"].as_array().unwrap().len(), 1);
    assert_eq!(r["reviews"][0]["proposal"], proposal);
    assert_eq!(
        t.scalar_text("SELECT status FROM product WHERE id = $1", pid)
            .await,
        "EXITING"
    );
    assert_eq!(t.audit_count("new_sku.review").await, 1);
    assert_eq!(t.audit_count("product.exit").await, 1);
    let (s, _) = t
        .post_json(
            &c,
            &path,
            &json!({"decision": "EXIT", "note": "再来", "version": r["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The concluded SKU may get a new programme; the exited one shows on the list as concluded.
    let (_, list) = t.get_json(&c, API).await;
    let row = list["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["status_zh"], "已结束");
    assert_eq!(row["decision_zh"], "退出");
});

both_backends!(new_sku_pages, async |t: TestApp| {
    let (bm, brand) = t.brand_manager().await;
    let c = t.login(&bm).await;
    let (s, html) = t.get_html(&c, "/new-sku").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("制定新品上柜计划") && html.contains("还没有新品上柜计划"));
    let sku = skus(&t, &brand, 1).await[0].1.clone();
    // A refused form is shown in place with the field's message.
    let r = t
        .submit_form(
            &c,
            "/new-sku",
            "/new-sku",
            &[("sku_code", &sku), ("plan_qty", "0")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("计划销量"));
    let r = t
        .submit_form(
            &c,
            "/new-sku",
            "/new-sku",
            &[
                ("sku_code", &sku),
                ("plan_qty", "3000"),
                ("min_tier", "5"),
                ("business_format", "GROCERY"),
                ("business_format", "SUPERMARKET"),
                ("market_type", "URBAN"),
                ("from_week", "2026-W30"),
                ("to_week", "2026-W44"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/new-sku/"), "{to}");
    let targets = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer r WHERE r.business_status <> 'CLOSED' AND r.tier >= 5 \
             AND r.business_format IN ('GROCERY', 'SUPERMARKET') AND r.market_type = 'URBAN'",
            &[],
        )
        .await;
    let (s, html) = t.get_html(&c, &to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("按周累计上柜率") && html.contains("<svg"),
        "chart"
    );
    assert!(
        html.contains("5 档及以上；食杂店、超市；城镇"),
        "rule in words"
    );
    assert!(html.contains(&format!("共 {targets} 户")), "targets");
    assert!(
        html.contains("效果评估（品牌进退）"),
        "the review form once over"
    );
    // The review through the form: the proposal is preselected, so no reason is needed.
    let proposal = if html.contains(r#"<option value="CONTINUE" selected"#) {
        "CONTINUE"
    } else if html.contains(r#"<option value="EXIT" selected"#) {
        "EXIT"
    } else {
        "ADJUST"
    };
    let version = hidden(&html, "version");
    let r = t
        .submit_form(
            &c,
            &to,
            &format!("{to}/reviews"),
            &[
                ("decision", proposal),
                ("version", &version),
                ("new_to_week", "2026-W50"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = t.get_html(&c, &to).await;
    assert!(html.contains("评估记录") && html.contains(&t.staff(&bm).await.name));
    // Reachable from the menu of every role but 专卖人员.
    for role in [
        "account_manager",
        "market_manager",
        "marketing_center",
        "marketing_director",
        "admin",
    ] {
        let u = t.user_of_role(role).await;
        let uc = t.login(&u).await;
        let (s, html) = t.get_html(&uc, "/").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(r#"href="/new-sku""#), "{role}");
    }
    let mo = t.user_of_role("monopoly_officer").await;
    let oc = t.login(&mo).await;
    let (_, html) = t.get_html(&oc, "/").await;
    assert!(!html.contains(r#"href="/new-sku""#));
});
