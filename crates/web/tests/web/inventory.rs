//! Social inventory (`/inventory`, `/api/v1/sample-…`, domain.md §6 retail_inventory, §7 ⑥): the
//! centre's sample design (strata sizes against SQL, the 信息采集点 flags), the rep's confirmation
//! and replacement, collection on the phone API and by import with its refusals (nothing
//! written), the restoration checked against an independent computation over the stored
//! reports, the next month's rotation, the scopes and the pages.
use crate::harness::*;

const MONTH: &str = "2026-10";

/// (stratum population, per-point stock sums) of the month's standing points that reported,
/// optionally of one SKU, computed from SQL; restored here with the textbook formula.
async fn independent(t: &TestApp, design: i64, sku: Option<i64>) -> (f64, f64) {
    let only = sku
        .map(|p| format!(" AND c.product_id = {p}"))
        .unwrap_or_default();
    let q = format!(
        "SELECT st.population, sp.retailer_id, \
         CAST(COALESCE((SELECT SUM(c.stock_qty) FROM sample_collection c WHERE c.month = sp.month \
           AND c.retailer_id = sp.retailer_id{only}), 0) AS BIGINT) \
         FROM sample_point sp JOIN sample_stratum st ON st.design_id = sp.design_id AND st.key = sp.stratum_key \
         WHERE sp.design_id = $1 AND sp.month = '{MONTH}' AND sp.status <> 'REPLACED' \
         AND EXISTS (SELECT 1 FROM sample_collection c WHERE c.month = sp.month AND c.retailer_id = sp.retailer_id) \
         ORDER BY sp.stratum_key, sp.retailer_id"
    );
    let q2 = q.replace("SELECT st.population,", "SELECT st.key, st.population,");
    let rows: Vec<(String, i64, i64, i64)> = store::on_db!(t.db(), p => sqlx::query_as(&q2)
        .bind(design).fetch_all(p).await.expect("reports"));
    let mut strata: std::collections::BTreeMap<String, (f64, Vec<f64>)> = Default::default();
    for (k, n, _, y) in rows {
        strata
            .entry(k)
            .or_insert((n as f64, Vec::new()))
            .1
            .push(y as f64);
    }
    let (mut total, mut var) = (0.0, 0.0);
    for (n, ys) in strata.values() {
        let k = ys.len() as f64;
        let mean = ys.iter().sum::<f64>() / k;
        total += n * mean;
        if ys.len() > 1 {
            let s2 = ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (k - 1.0);
            var += n * n * (1.0 - k / n) * s2 / k;
        }
    }
    (total, var)
}

both_backends!(social_inventory_month_close, async |t: TestApp| {
    let (_, center) = t.login_as(Role::MarketingCenter).await;

    // The design's refusals, by name.
    for (body, field) in [
        (json!({"allocation": "RANDOM"}), "allocation"),
        (json!({"target_rel_error_pct": 0.1}), "target_rel_error_pct"),
        (json!({"rotation_pct": 150}), "rotation_pct"),
        (json!({"seed": -1}), "seed"),
        (json!({"month": "2027-05"}), "month"),
    ] {
        let (s, e) = t.post_json(&center, "/api/v1/sample-designs", &body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {e}");
        assert!(e.to_string().contains(field), "{body}: {e}");
    }
    let (s, e) = t
        .post_json(&center, "/api/v1/sample-draws", &json!({"month": MONTH}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "no design yet: {e}");
    let (rep_name, rep) = t.login_as(Role::AccountManager).await;
    let (s, _) = t
        .post_json(&rep, "/api/v1/sample-designs", &json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The design: every retailer that is not closed in exactly one stratum; n_h within N_h; the
    // month's points are the 信息采集点.
    let (s, d) = t
        .post_json(
            &center,
            "/api/v1/sample-designs",
            &json!({"month": MONTH, "seed": 42, "target_rel_error_pct": 8, "allocation": "NEYMAN"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let design = d["id"].as_i64().unwrap();
    let open = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer WHERE business_status <> 'CLOSED'",
            &[],
        )
        .await;
    let strata = d["strata"].as_array().unwrap();
    let pop: i64 = strata
        .iter()
        .map(|s| s["population"].as_i64().unwrap())
        .sum();
    let n: i64 = strata
        .iter()
        .map(|s| s["sample_size"].as_i64().unwrap())
        .sum();
    assert_eq!(pop, open);
    assert_eq!(d["population"].as_i64(), Some(open));
    assert!(strata.iter().all(|s| {
        let (nh, big) = (
            s["sample_size"].as_i64().unwrap(),
            s["population"].as_i64().unwrap(),
        );
        nh >= 1.min(big) && nh <= big
    }));
    assert!(n > 0 && n < open, "{n} of {open}");
    let points = t
        .scalar_i64(
            &format!(
                "SELECT COUNT(*) FROM sample_point WHERE design_id = $1 AND month = '{MONTH}'"
            ),
            &[design],
        )
        .await;
    assert_eq!(points, n);
    let flagged = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer WHERE is_sample_point = TRUE",
            &[],
        )
        .await;
    assert_eq!(flagged, n);
    assert_eq!(t.audit_count("inventory.design").await, 1);

    // The rep sees only their own points; another rep's point is refused.
    let rep_id = t.staff_id(&rep_name).await;
    let (s, page) = t
        .get_json(&rep, &format!("/api/v1/inventory?month={MONTH}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let mine: Vec<Value> = page["points"].as_array().unwrap().clone();
    assert!(mine.iter().all(|p| p["rep_id"].as_i64() == Some(rep_id)));
    let foreign = t
        .scalar_i64(
            &format!(
                "SELECT MIN(sp.id) FROM sample_point sp JOIN retailer r ON r.id = sp.retailer_id \
                 WHERE sp.month = '{MONTH}' AND r.account_manager_id <> $1"
            ),
            &[rep_id],
        )
        .await;
    let (s, _) = t
        .get_json(&rep, &format!("/api/v1/sample-points/{foreign}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .put_json(
            &rep,
            &format!("/api/v1/sample-points/{foreign}/counts"),
            &json!({"lines": []}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A rep with at least two points: confirm one, replace another.
    let (rep_name, rep, mine) = {
        let mut found = None;
        for name in t.users_of_role("account_manager").await {
            let id = t.staff_id(&name).await;
            let k = t
                .scalar_i64(
                    &format!(
                        "SELECT COUNT(*) FROM sample_point sp JOIN retailer r ON r.id = sp.retailer_id \
                         WHERE sp.month = '{MONTH}' AND r.account_manager_id = $1"
                    ),
                    &[id],
                )
                .await;
            if k >= 2 {
                let c = t.login(&name).await;
                let (_, page) = t
                    .get_json(&c, &format!("/api/v1/inventory?month={MONTH}"))
                    .await;
                found = Some((name, c, page["points"].as_array().unwrap().clone()));
                break;
            }
        }
        found.expect("a rep with two points")
    };
    let _ = rep_name;
    let (p1, p2) = (
        mine[0]["id"].as_i64().unwrap(),
        mine[1]["id"].as_i64().unwrap(),
    );
    let (s, v) = t
        .post_json(
            &rep,
            &format!("/api/v1/sample-points/{p1}/decision"),
            &json!({"action": "CONFIRM"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["point"]["status"], "CONFIRMED");
    let (s, _) = t
        .post_json(
            &rep,
            &format!("/api/v1/sample-points/{p1}/decision"),
            &json!({"action": "CONFIRM"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, e) = t
        .post_json(
            &rep,
            &format!("/api/v1/sample-points/{p2}/decision"),
            &json!({"action": "REPLACE"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e.to_string().contains("reason"), "{e}");
    let (s, v) = t
        .post_json(
            &rep,
            &format!("/api/v1/sample-points/{p2}/decision"),
            &json!({"action": "REPLACE", "reason": "停业"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let repl = &v["replaced_by"];
    assert_eq!(repl["stratum_key"], mine[1]["stratum_key"]);
    assert_eq!(repl["replaces_id"].as_i64(), Some(p2));
    assert_ne!(repl["retailer_id"], mine[1]["retailer_id"]);
    let still = t
        .scalar_i64(
            "SELECT CAST(CASE WHEN is_sample_point THEN 1 ELSE 0 END AS BIGINT) FROM retailer WHERE id = $1",
            &[mine[1]["retailer_id"].as_i64().unwrap()],
        )
        .await;
    assert_eq!(still, 0, "a replaced retailer is no longer a sample point");

    // Today's route links each sample point of the rep to its collection page.
    let (s, today) = t.get_json(&rep, "/api/v1/today").await;
    assert_eq!(s, StatusCode::OK, "{today}");
    for st in today["stops"].as_array().unwrap() {
        if let Some(pid) = st["sample_point_id"].as_i64() {
            let code = t
                .scalar_text(
                    "SELECT r.customer_code FROM sample_point sp JOIN retailer r ON r.id = sp.retailer_id WHERE sp.id = $1",
                    pid,
                )
                .await;
            assert_eq!(st["customer_code"].as_str(), Some(code.as_str()));
        }
    }

    // Collection on the phone API: the form is pre-filled with what the point bought; refusals
    // by field write nothing.
    let (s, form) = t
        .get_json(&rep, &format!("/api/v1/sample-points/{p1}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let lines = form["lines"].as_array().unwrap();
    assert!(
        !lines.is_empty(),
        "pre-filled from the last three months: {form}"
    );
    let sku = lines[0]["sku_code"].as_str().unwrap().to_string();
    let bought = lines[0]["purchases"].as_i64().unwrap();
    let guide = lines[0]["suggested_fen"].as_i64().unwrap();
    let price = format!("{:.2}", guide as f64 / 100.0);
    let line = |extra: Value| {
        let mut l = json!({"sku_code": sku, "stock": 5, "sales": 10, "retail_price": price, "stockout_days": 0});
        for (k, v) in extra.as_object().unwrap() {
            l[k] = v.clone();
        }
        json!({"lines": [l]})
    };
    for (extra, field) in [
        (json!({"sku_code": "00000000"}), "lines[0].sku_code"),
        (json!({"stock": -1}), "lines[0].stock"),
        (json!({"sales": 100_000_000}), "lines[0].sales"),
        (json!({"retail_price": "abc"}), "lines[0].retail_price"),
        (json!({"stockout_days": 40}), "lines[0].stockout_days"),
        (json!({"stock": bought.max(1) * 10 + 1}), "lines[0].stock"),
    ] {
        let (s, e) = t
            .put_json(
                &rep,
                &format!("/api/v1/sample-points/{p1}/counts"),
                &line(extra.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{extra}: {e}");
        assert!(e.to_string().contains(field), "{extra}: {e}");
    }
    let written = t
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM sample_collection WHERE month = '{MONTH}' AND retailer_id = $1"),
            &[mine[0]["retailer_id"].as_i64().unwrap()],
        )
        .await;
    assert_eq!(written, 0);
    let mut high = line(json!({"stock": bought.max(1) * 10 + 1}));
    high["confirm"] = json!(true);
    let (s, v) = t
        .put_json(&rep, &format!("/api/v1/sample-points/{p1}/counts"), &high)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["lines"][0]["flags"], "STOCK_HIGH");
    // a replaced point takes no report
    let (s, _) = t
        .put_json(
            &rep,
            &format!("/api/v1/sample-points/{p2}/counts"),
            &line(json!({})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Desk entry by the centre for every other standing point: its most bought SKU of the month
    // at half the purchases; a bad line anywhere writes nothing.
    let rows: Vec<(String, String, i64, i64)> = store::on_db!(t.db(), p => sqlx::query_as(&format!(
        "SELECT r.customer_code, pr.sku_code, sm.supplied_qty, pr.suggested_retail_price_fen FROM sample_point sp \
         JOIN retailer r ON r.id = sp.retailer_id \
         JOIN sales_month sm ON sm.retailer_id = sp.retailer_id AND sm.month = sp.month \
         JOIN product pr ON pr.id = sm.product_id \
         WHERE sp.design_id = $1 AND sp.month = '{MONTH}' AND sp.status <> 'REPLACED' AND sp.id <> $2 \
         AND sm.supplied_qty > 0 ORDER BY r.customer_code, sm.supplied_qty DESC, pr.sku_code"))
        .bind(design).bind(p1).fetch_all(p).await.expect("rows"));
    let mut text = String::from("客户编码,卷烟代码,库存,销量,零售价,断货天数\n");
    let mut last = String::new();
    let mut n_lines = 0;
    for (code, sku, qty, guide) in &rows {
        if *code == last {
            continue;
        }
        last = code.clone();
        n_lines += 1;
        text.push_str(&format!(
            "{code},{sku},{},{qty},{:.2},1\n",
            qty / 2,
            *guide as f64 / 100.0
        ));
    }
    assert!(n_lines > 10, "{n_lines}");
    let count = format!("SELECT COUNT(*) FROM sample_collection WHERE month = '{MONTH}'");
    let before = t.scalar_i64(&count, &[]).await;
    let bad = format!("{text}NOPE,{sku},1,1,{price},0\n");
    let (s, e) = t
        .post_json(
            &center,
            "/api/v1/sample-imports",
            &json!({"month": MONTH, "text": bad}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(
        e.to_string().contains(&format!("第 {} 行", n_lines + 2)),
        "{e}"
    );
    assert_eq!(t.scalar_i64(&count, &[]).await, before, "nothing written");
    let csrf = t.csrf_of(&center, "/inventory").await;
    let r = t
        .post_form_raw(
            &center,
            "/inventory/imports",
            &[
                ("csrf", csrf.as_str()),
                ("month", MONTH),
                ("text", text.as_str()),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    // each imported point now reports exactly its one line (what it had is replaced)
    let imported = t
        .scalar_i64(
            &format!(
                "SELECT COUNT(*) FROM sample_collection c JOIN sample_point sp ON sp.retailer_id = c.retailer_id \
                 AND sp.month = c.month WHERE sp.design_id = $1 AND c.month = '{MONTH}' \
                 AND sp.status <> 'REPLACED' AND sp.id <> $2"
            ),
            &[design, p1],
        )
        .await;
    assert_eq!(imported, n_lines as i64);
    assert!(t.audit_count("inventory.collect").await >= 2);

    // The same import as an Excel file (the `samples` import): one point's line, re-reported.
    let (code, sku_x, qty, guide) = rows[0].clone();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["客户编码", "卷烟代码", "库存", "销量", "零售价", "断货天数"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, &code).unwrap();
    ws.write_string(1, 1, &sku_x).unwrap();
    ws.write_number(1, 2, 7.0).unwrap();
    ws.write_number(1, 3, qty as f64).unwrap();
    ws.write_number(1, 4, guide as f64 / 100.0).unwrap();
    ws.write_number(1, 5, 0.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let csrf = t.csrf_of(&center, "/inventory").await;
    let upload = t.url(&format!("/inventory/imports/{MONTH}/file"));
    let (ct, body) = multipart(&csrf, &bytes);
    let r = center
        .post(&upload)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stock = t
        .scalar_i64(
            &format!(
                "SELECT c.stock_qty FROM sample_collection c JOIN retailer r ON r.id = c.retailer_id \
                 JOIN product p ON p.id = c.product_id WHERE c.month = '{MONTH}' AND r.customer_code = '{code}' \
                 AND p.sku_code = '{sku_x}'"
            ),
            &[],
        )
        .await;
    assert_eq!(stock, 7);
    let (ct, body) = multipart(&csrf, &[0xff, 0xfe, 0x41, 0x00]);
    let r = center
        .post(&upload)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "not UTF-8, not xlsx");

    // The restoration equals the textbook computation over the stored reports, total and SKU.
    let (s, page) = t
        .get_json(&center, &format!("/api/v1/inventory?month={MONTH}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let (want, var) = independent(&t, design, None).await;
    let total = &page["total"]["stock"];
    assert!(
        (total["total"].as_f64().unwrap() - want).abs() < 1e-6 * want.max(1.0),
        "{total} vs {want}"
    );
    assert!(
        (total["variance"].as_f64().unwrap() - var).abs() < 1e-6 * var.max(1.0),
        "{total} vs {var}"
    );
    let se = var.sqrt();
    assert!((total["lo95"].as_f64().unwrap() - (want - 1.96 * se)).abs() < 1e-6 * want.max(1.0));
    let first = &page["skus"][0];
    let pid = t
        .scalar_i64(
            &format!(
                "SELECT id FROM product WHERE sku_code = '{}'",
                first["key"].as_str().unwrap()
            ),
            &[],
        )
        .await;
    let (want_sku, _) = independent(&t, design, Some(pid)).await;
    let got = first["stock"]["total"].as_f64().unwrap();
    assert!(
        (got - want_sku).abs() < 1e-6 * want_sku.max(1.0),
        "{got} vs {want_sku}"
    );
    assert!(page["total"]["ratio"].as_f64().unwrap() > 0.0);
    assert!(!page["counties"].as_array().unwrap().is_empty());
    let county_sum: f64 = page["counties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["stock"]["total"].as_f64().unwrap())
        .sum();
    assert!(
        (county_sum - want).abs() < 1e-6 * want.max(1.0),
        "counties add up to the total"
    );

    // A brand's 商业断货率: its lines' stock-out days ÷ (its lines × the month's 31 days).
    let brand = &page["brands"][0];
    let b = brand["key"].as_str().unwrap();
    let q = |what: &str| {
        format!(
            "SELECT CAST({what} AS BIGINT) FROM sample_collection c JOIN sample_point sp ON sp.retailer_id = c.retailer_id \
             AND sp.month = c.month AND sp.design_id = {design} AND sp.status <> 'REPLACED' \
             JOIN product p ON p.id = c.product_id WHERE c.month = '{MONTH}' AND p.brand = '{b}'"
        )
    };
    let days = t
        .scalar_i64(&q("COALESCE(SUM(c.stockout_days), 0)"), &[])
        .await;
    let lines = t.scalar_i64(&q("COUNT(*)"), &[]).await;
    let got = brand["commercial_stockout"].as_f64().unwrap();
    assert!(
        (got - days as f64 / (lines * 31) as f64).abs() < 1e-12,
        "{brand}"
    );

    // The trend's month is the same restoration, for the company and for one SKU.
    let last = page["trend"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["month"], MONTH);
    assert!((last["stock"].as_f64().unwrap() - want).abs() < 1e-6 * want.max(1.0));
    let sku_code = first["key"].as_str().unwrap();
    let (s, one) = t
        .get_json(
            &center,
            &format!("/api/v1/inventory?month={MONTH}&sku={sku_code}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let last = one["trend"].as_array().unwrap().last().unwrap().clone();
    assert!((last["stock"].as_f64().unwrap() - want_sku).abs() < 1e-6 * want_sku.max(1.0));
    let (s, e) = t
        .get_json(
            &center,
            &format!("/api/v1/inventory?month={MONTH}&sku=00000000"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");

    // The next month: drawn once, rotating a quarter of the points.
    let (s, v) = t
        .post_json(
            &center,
            "/api/v1/sample-draws",
            &json!({"month": "2026-11"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = t
        .post_json(
            &center,
            "/api/v1/sample-draws",
            &json!({"month": "2026-11"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let kept = t
        .scalar_i64(
            "SELECT COUNT(*) FROM sample_point a JOIN sample_point b ON b.retailer_id = a.retailer_id \
             AND b.design_id = a.design_id AND b.month = '2026-10' AND b.status <> 'REPLACED' \
             WHERE a.design_id = $1 AND a.month = '2026-11'",
            &[design],
        )
        .await;
    let drawn = v["points"].as_i64().unwrap();
    assert!(
        kept * 100 >= drawn * 70 && kept < drawn,
        "{kept} of {drawn} kept"
    );

    // The pages, reachable from the menu.
    let (s, html) = t
        .get_html(&center, &format!("/inventory?month={MONTH}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    for text in [
        "社会库存",
        "95% 区间",
        "存销比",
        "分营销部",
        "抽样设计",
        "<svg",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let (s, html) = t.get_html(&rep, &format!("/inventory/points/{p1}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("保存采集") && html.contains(&sku));
    assert!(html.contains("href=\"/inventory\""), "in the rep's menu");
    let (_, mo) = t.login_as(Role::MonopolyOfficer).await;
    let (s, _) = t.get_html(&mo, "/inventory").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});
