//! The KPI page (`/kpi`, `/api/v1/kpi`, domain.md §6, §10): each KPI of every level of the
//! drill-down equals an independent SQL computation over `sales_month`; who may open which scope;
//! the page, its trend charts and its Excel export.
use crate::harness::*;

const M: &str = "2026-10";

/// Key-brand share, coverage, 条均价 and order fill of the retailers matching `cond` (on `r`),
/// computed here from `sales_month` line by line.
async fn by_sql(t: &TestApp, cond: &str) -> (f64, f64, f64, f64) {
    let q = |what: &str| {
        format!(
            "SELECT CAST(COALESCE(SUM({what}), 0) AS BIGINT) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
             JOIN product p ON p.id = s.product_id WHERE s.month = '{M}' AND {cond}"
        )
    };
    let qty = t.scalar_i64(&q("s.supplied_qty"), &[]).await as f64;
    let key = t
        .scalar_i64(
            &q("CASE WHEN p.is_key_brand = TRUE THEN s.supplied_qty ELSE 0 END"),
            &[],
        )
        .await as f64;
    let amount = t.scalar_i64(&q("s.amount_fen"), &[]).await as f64;
    let demanded = t.scalar_i64(&q("s.demanded_qty"), &[]).await as f64;
    let buyers = t
        .scalar_i64(
            &format!(
                "SELECT COUNT(DISTINCT s.retailer_id) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
                 WHERE s.month = '{M}' AND s.supplied_qty > 0 AND {cond}"
            ),
            &[],
        )
        .await as f64;
    let active = t
        .scalar_i64(
            &format!(
                "SELECT COUNT(*) FROM retailer r WHERE r.business_status <> 'CLOSED' AND {cond}"
            ),
            &[],
        )
        .await as f64;
    (
        key * 100.0 / qty,
        buyers * 100.0 / active,
        amount / 100.0 / qty,
        qty * 100.0 / demanded,
    )
}

fn kpi(v: &Value, code: &str) -> f64 {
    v["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"] == code)
        .unwrap_or_else(|| panic!("{code}"))["value"]
        .as_f64()
        .unwrap_or_else(|| panic!("{code} has no value: {v}"))
}

/// These KPIs have no value under the page's cut and say so.
fn not_applying(v: &Value, codes: &[&str]) {
    for code in codes {
        let k = v["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["code"] == *code)
            .unwrap();
        assert!(k["value"].is_null() && k["applies"] == false, "{code}: {k}");
    }
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-9, "{what}: page {a}, SQL {b}");
}

/// The page's figures for a scope against SQL (coverage only where the scope has a roster).
async fn check(t: &TestApp, c: &Client, scope: &str, cond: &str, coverage: bool) -> Value {
    let (s, v) = t
        .get_json(c, &format!("/api/v1/kpi?scope={scope}&month={M}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{scope}: {v}");
    let (key, cov, price, fill) = by_sql(t, cond).await;
    close(
        kpi(&v, "KEY_BRAND_SHARE"),
        key,
        &format!("{scope} key-brand share"),
    );
    close(kpi(&v, "AVG_PRICE"), price, &format!("{scope} 条均价"));
    close(
        kpi(&v, "REVENUE_PER_CASE"),
        price * 250.0,
        &format!("{scope} 单箱"),
    );
    close(kpi(&v, "ORDER_FILL"), fill, &format!("{scope} order fill"));
    if coverage {
        close(kpi(&v, "COVERAGE"), cov, &format!("{scope} coverage"));
        // 动销率 and 需求旺盛度 over the retailers that bought in 2026-07 … 2026-09.
        let count = |what: &str| {
            format!(
                "SELECT COUNT(DISTINCT s.retailer_id) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
                 WHERE {what} AND {cond}"
            )
        };
        let prev3 = t
            .scalar_i64(
                &count("s.month >= '2026-07' AND s.month <= '2026-09' AND s.supplied_qty > 0"),
                &[],
            )
            .await as f64;
        let buyers = t
            .scalar_i64(
                &count(&format!("s.month = '{M}' AND s.supplied_qty > 0")),
                &[],
            )
            .await as f64;
        let demand = t
            .scalar_i64(
                &count(&format!("s.month = '{M}' AND s.demanded_qty > 0")),
                &[],
            )
            .await as f64;
        close(
            kpi(&v, "ACTIVE_SELLING"),
            buyers * 100.0 / prev3,
            &format!("{scope} 动销率"),
        );
        close(
            kpi(&v, "DEMAND_VIGOUR"),
            demand * 100.0 / prev3,
            &format!("{scope} 需求旺盛度"),
        );
    }
    let trend = v["kpis"][0]["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 13);
    assert_eq!(trend[12][0], M);
    v
}

both_backends!(kpis_equal_sql_at_every_level, async |t: TestApp| {
    let center = t.login(&t.user_of_role("marketing_center").await).await;
    let v = check(&t, &center, "company", "1 = 1", true).await;
    assert_eq!(v["child_level"], "县级营销部");
    let target = v["kpis"][0]["target"].as_f64().unwrap();
    assert_eq!(target, 89.5, "key-brand target from the policy");
    // Down the drill-down: the first county, its first area, its first rep, their first retailer.
    let county = v["children"][0]["scope"].as_str().unwrap().to_string();
    let cid: i64 = county.trim_start_matches("county:").parse().unwrap();
    let v = check(&t, &center, &county, &format!("r.county_id = {cid}"), true).await;
    let area = v["children"][0]["scope"].as_str().unwrap().to_string();
    let aid: i64 = area.trim_start_matches("area:").parse().unwrap();
    let v = check(&t, &center, &area, &format!("r.area_id = {aid}"), true).await;
    assert_eq!(v["child_level"], "客户经理");
    let rep = v["children"][0]["scope"].as_str().unwrap().to_string();
    let rid: i64 = rep.trim_start_matches("rep:").parse().unwrap();
    let v = check(
        &t,
        &center,
        &rep,
        &format!("r.account_manager_id = {rid}"),
        true,
    )
    .await;
    // The retailers, biggest first; the first one's own figures.
    let retailer = v["children"][0]["scope"].as_str().unwrap().to_string();
    let id: i64 = retailer.trim_start_matches("retailer:").parse().unwrap();
    let rv = check(&t, &center, &retailer, &format!("r.id = {id}"), false).await;
    assert!(rv["child_level"].is_null());
    // The children's rows carry the same figures as their own pages.
    let (_, av) = t
        .get_json(&center, &format!("/api/v1/kpi?scope={area}&month={M}"))
        .await;
    let (_, cv) = t
        .get_json(&center, &format!("/api/v1/kpi?scope={county}&month={M}"))
        .await;
    let row = cv["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"] == area.as_str())
        .unwrap();
    close(
        row["values"][0].as_f64().unwrap(),
        kpi(&av, "KEY_BRAND_SHARE"),
        "child row",
    );

    // Who may open what: the rep their own and their retailers, not the area or another rep.
    let rep_user = t.username_of(rid).await;
    let rc = t.login(&rep_user).await;
    let (s, v) = t.get_json(&rc, "/api/v1/kpi").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["scope"],
        rep.as_str(),
        "a rep's default scope is their own"
    );
    let (s, _) = t
        .get_json(&rc, &format!("/api/v1/kpi?scope={retailer}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = t.get_json(&rc, &format!("/api/v1/kpi?scope={area}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _) = t.get_json(&rc, "/api/v1/kpi?scope=company").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other_rep = t
        .scalar_i64(
            "SELECT MIN(id) FROM staff WHERE role = 'account_manager' AND id <> $1",
            &[rid],
        )
        .await;
    let (s, _) = t
        .get_json(&rc, &format!("/api/v1/kpi?scope=rep:{other_rep}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The market manager: their area and its reps, not another county.
    let mm = t.login(&t.manager_of(&rep_user).await).await;
    let (s, v) = t.get_json(&mm, "/api/v1/kpi").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["scope"], area.as_str());
    let (s, _) = t.get_json(&mm, &format!("/api/v1/kpi?scope={rep}")).await;
    assert_eq!(s, StatusCode::OK);
    let other_area = t
        .scalar_i64(
            "SELECT MIN(id) FROM org_unit WHERE kind = 'AREA' AND id <> $1",
            &[aid],
        )
        .await;
    let (s, _) = t
        .get_json(&mm, &format!("/api/v1/kpi?scope=area:{other_area}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Bad input is named; an open month refused.
    let (s, v) = t.get_json(&center, "/api/v1/kpi?scope=shop:1").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("scope"));
    let (s, _) = t.get_json(&center, "/api/v1/kpi?scope=area:999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t.get_json(&center, "/api/v1/kpi?month=2026-11").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // The page from the menu: every KPI with its trend chart and formula; the export.
    let (s, home) = t.get_html(&rc, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("href=\"/kpi\""), "menu");
    let (s, page) = t.get_html(&rc, "/kpi").await;
    assert_eq!(s, StatusCode::OK);
    for w in [
        "重点品牌销售比重",
        "新品上柜率",
        "需求预测准确率",
        "市场覆盖率",
        "单箱批发销售额",
        "公式",
        "零售客户",
    ] {
        assert!(page.contains(w), "KPI page lacks {w}");
    }
    assert_eq!(page.matches("class=\"chart trend\"").count(), 12);
    let r = t.get(&rc, &format!("/kpi/xlsx?month={M}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
});

both_backends!(brand_cut_equals_sql, async |t: TestApp| {
    // The brand with the most buying retailers in the month.
    let brand: String = store::on_db!(t.db(), p => sqlx::query_scalar::<_, String>(&format!(
        "SELECT p.brand FROM sales_month s JOIN product p ON p.id = s.product_id \
         WHERE s.month = '{M}' AND s.supplied_qty > 0 GROUP BY p.brand \
         ORDER BY COUNT(DISTINCT s.retailer_id) DESC, p.brand LIMIT 1"))
        .fetch_one(p).await.unwrap());
    let (_, c) = t.login_as(Role::MarketingCenter).await;
    let area = t.scalar_i64("SELECT MIN(area_id) FROM retailer", &[]).await;
    for (scope, cond) in [
        ("company".to_string(), "1 = 1".to_string()),
        (format!("area:{area}"), format!("r.area_id = {area}")),
    ] {
        let enc: String = form_urlencoded::byte_serialize(brand.as_bytes()).collect();
        let (s, v) = t
            .get_json(
                &c,
                &format!("/api/v1/kpi?scope={scope}&month={M}&brand={enc}"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["brand"], brand.as_str());
        let of = |what: &str, month: &str| {
            format!(
                "SELECT CAST(COALESCE(SUM({what}), 0) AS BIGINT) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
                 JOIN product p ON p.id = s.product_id WHERE {month} AND p.brand = '{brand}' AND {cond}"
            )
        };
        let this = format!("s.month = '{M}'");
        let qty = t.scalar_i64(&of("s.supplied_qty", &this), &[]).await;
        let amount = t.scalar_i64(&of("s.amount_fen", &this), &[]).await;
        let buyers_of = |month: &str| {
            format!(
                "SELECT COUNT(DISTINCT s.retailer_id) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
                 JOIN product p ON p.id = s.product_id WHERE {month} AND s.supplied_qty > 0 AND p.brand = '{brand}' AND {cond}"
            )
        };
        let buyers = t.scalar_i64(&buyers_of(&this), &[]).await as f64;
        let prev3 = t
            .scalar_i64(
                &buyers_of("s.month >= '2026-07' AND s.month <= '2026-09'"),
                &[],
            )
            .await as f64;
        let active = t
            .scalar_i64(
                &format!(
                    "SELECT COUNT(*) FROM retailer r WHERE r.business_status <> 'CLOSED' AND {cond}"
                ),
                &[],
            )
            .await as f64;
        close(
            kpi(&v, "VOLUME"),
            qty as f64,
            &format!("{scope} brand volume"),
        );
        close(
            kpi(&v, "AVG_PRICE"),
            amount as f64 / 100.0 / qty as f64,
            &format!("{scope} brand 条均价"),
        );
        close(
            kpi(&v, "COVERAGE"),
            buyers * 100.0 / active,
            &format!("{scope} brand coverage"),
        );
        close(
            kpi(&v, "ACTIVE_SELLING"),
            buyers * 100.0 / prev3,
            &format!("{scope} 单品牌动销率"),
        );
        // Not for one brand.
        not_applying(
            &v,
            &[
                "KEY_BRAND_SHARE",
                "FORECAST_ACCURACY",
                "DEMAND_VIGOUR",
                "ORDER_FILL",
                "RETAILER_MARGIN",
            ],
        );
        // The places one level down add up to the scope.
        let sum: f64 = v["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["sums"]["qty"].as_f64().unwrap())
            .sum();
        close(sum, qty as f64, &format!("{scope} children's brand volume"));
    }
    // A rep's retailers under the brand cut, and the page keeps the cut in its links.
    let rep = t.user_of_role("account_manager").await;
    let rep_id = t.staff_id(&rep).await;
    let enc: String = form_urlencoded::byte_serialize(brand.as_bytes()).collect();
    let (_, v) = t
        .get_json(
            &c,
            &format!("/api/v1/kpi?scope=rep:{rep_id}&month={M}&brand={enc}"),
        )
        .await;
    let qty = t
        .scalar_i64(
            &format!(
                "SELECT CAST(COALESCE(SUM(s.supplied_qty), 0) AS BIGINT) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
                 JOIN product p ON p.id = s.product_id WHERE s.month = '{M}' AND p.brand = '{brand}' AND r.account_manager_id = $1"
            ),
            &[rep_id],
        )
        .await;
    let sum: i64 = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sums"]["qty"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, qty);
    let (s, html) = t
        .get_html(
            &c,
            &format!("/kpi?scope=rep:{rep_id}&month={M}&brand={enc}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&format!("品牌 {brand}")) && html.contains(&format!("brand={enc}")));
    assert!(html.contains("按品牌或规格查看时不适用"));
    let (s, e) = t
        .get_json(&c, &format!("/api/v1/kpi?month={M}&brand=NOSUCH"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("brand"));
});

both_backends!(sku_cut_equals_sql, async |t: TestApp| {
    // The SKU with the most buying retailers in the month.
    let (pid, code): (i64, String) = store::on_db!(t.db(), p => sqlx::query_as::<_, (i64, String)>(&format!(
        "SELECT p.id, p.sku_code FROM sales_month s JOIN product p ON p.id = s.product_id \
         WHERE s.month = '{M}' AND s.supplied_qty > 0 GROUP BY p.id, p.sku_code \
         ORDER BY COUNT(DISTINCT s.retailer_id) DESC, p.id LIMIT 1"))
        .fetch_one(p).await.unwrap());
    let (_, c) = t.login_as(Role::MarketingCenter).await;
    let (s, v) = t
        .get_json(
            &c,
            &format!("/api/v1/kpi?scope=company&month={M}&sku={code}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["sku"][0], code.as_str());
    let sum = |what: &str| {
        format!(
            "SELECT CAST(COALESCE(SUM({what}), 0) AS BIGINT) FROM sales_month s \
             WHERE s.month = '{M}' AND s.product_id = $1"
        )
    };
    let qty = t.scalar_i64(&sum("s.supplied_qty"), &[pid]).await as f64;
    let amount = t.scalar_i64(&sum("s.amount_fen"), &[pid]).await as f64;
    let buyers = t
        .scalar_i64(
            &format!(
                "SELECT COUNT(DISTINCT s.retailer_id) FROM sales_month s \
                 WHERE s.month = '{M}' AND s.product_id = $1 AND s.supplied_qty > 0"
            ),
            &[pid],
        )
        .await as f64;
    let active = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer WHERE business_status <> 'CLOSED'",
            &[],
        )
        .await as f64;
    close(kpi(&v, "VOLUME"), qty, "SKU volume");
    close(kpi(&v, "AVG_PRICE"), amount / 100.0 / qty, "SKU 条均价");
    close(kpi(&v, "COVERAGE"), buyers * 100.0 / active, "SKU coverage");
    not_applying(
        &v,
        &[
            "ACTIVE_SELLING",
            "CLASS12_SHARE",
            "ORDER_FILL",
            "KEY_BRAND_SHARE",
            "RETAILER_MARGIN",
        ],
    );
    let children: f64 = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sums"]["buyers"].as_f64().unwrap())
        .sum();
    close(children, buyers, "the counties' buyers of the SKU");
    let (s, e) = t
        .get_json(&c, &format!("/api/v1/kpi?month={M}&sku=00000000"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("sku"));
    let (s, html) = t
        .get_html(&c, &format!("/kpi?scope=company&month={M}&sku={code}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&format!("（{code}）")) && html.contains(&format!("sku={code}")));
});
