//! The retailer profit survey (`/profit`, `/api/v1/profit-…`, domain.md §6 零售户毛利率, §7 ⑥):
//! the month's list (a share of each rep's retailers, rotating), the rep's entry with its
//! refusals (nothing written) and the stale-version conflict, the margins checked against SQL
//! over the stored lines, inversions, scopes and the pages.
use crate::harness::*;

const MONTH: &str = "2026-10";

both_backends!(profit_survey_month, async |t: TestApp| {
    let (_, center) = t.login_as(Role::MarketingCenter).await;
    let (_, rep0) = t.login_as(Role::AccountManager).await;
    let (s, _) = t
        .post_json(&rep0, "/api/v1/profit-draws", &json!({"month": MONTH}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = t
        .post_json(
            &center,
            "/api/v1/profit-draws",
            &json!({"month": "10/2026"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("month"));

    // The list: ⌈30 % × n⌉ of each rep's open retailers.
    let (s, v) = t
        .post_json(&center, "/api/v1/profit-draws", &json!({"month": MONTH}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let want = t
        .scalar_i64(
            "SELECT CAST(COALESCE(SUM((n * 3 + 9) / 10), 0) AS BIGINT) FROM (SELECT COUNT(*) AS n FROM retailer \
             WHERE business_status <> 'CLOSED' AND account_manager_id IS NOT NULL GROUP BY account_manager_id) x",
            &[],
        )
        .await;
    assert_eq!(v["surveys"].as_i64(), Some(want));
    let (s, _) = t
        .post_json(&center, "/api/v1/profit-draws", &json!({"month": MONTH}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // A rep's list is their own; another rep's survey is refused.
    let rep_name = t.user_of_role("account_manager").await;
    let rep = t.login(&rep_name).await;
    let rep_id = t.staff_id(&rep_name).await;
    let (s, page) = t
        .get_json(&rep, &format!("/api/v1/profit-surveys?month={MONTH}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let mine = page["surveys"].as_array().unwrap().clone();
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|s| s["rep_id"].as_i64() == Some(rep_id)));
    let foreign = t
        .scalar_i64(
            &format!(
                "SELECT MIN(ps.id) FROM profit_survey ps JOIN retailer r ON r.id = ps.retailer_id \
                 WHERE ps.month = '{MONTH}' AND r.account_manager_id <> $1"
            ),
            &[rep_id],
        )
        .await;
    let (s, _) = t
        .get_json(&rep, &format!("/api/v1/profit-surveys/{foreign}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The form is pre-filled with the SKUs the retailer bought.
    let id = mine
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .next()
        .unwrap();
    let (s, form) = t
        .get_json(&rep, &format!("/api/v1/profit-surveys/{id}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{form}");
    let lines = form["lines"].as_array().unwrap();
    assert!(lines.len() >= 2, "{form}");
    let (a, b) = (&lines[0], &lines[1]);
    let (sku_a, w_a) = (
        a["sku_code"].as_str().unwrap(),
        a["wholesale_fen"].as_i64().unwrap(),
    );
    let (sku_b, w_b) = (
        b["sku_code"].as_str().unwrap(),
        b["wholesale_fen"].as_i64().unwrap(),
    );
    let version = form["survey"]["version"].as_i64().unwrap();
    let yuan = |f: i64| format!("{:.2}", f as f64 / 100.0);
    let body = |lines: Value, version: i64| json!({"lines": lines, "version": version});
    let good = json!([
        {"sku_code": sku_a, "qty": 20, "retail_price": yuan(w_a + 300)},
        {"sku_code": sku_b, "qty": 10, "retail_price": yuan(w_b - 100)}
    ]);

    // Refusals by field; nothing written.
    for (lines, field) in [
        (
            json!([{"sku_code": "00000000", "qty": 1, "retail_price": "20"}]),
            "lines[0].sku_code",
        ),
        (
            json!([{"sku_code": sku_a, "qty": -1, "retail_price": "20"}]),
            "lines[0].qty",
        ),
        (
            json!([{"sku_code": sku_a, "qty": 1, "retail_price": "x"}]),
            "lines[0].retail_price",
        ),
        (
            json!([{"sku_code": sku_a, "qty": 1, "retail_price": "20"}, {"sku_code": sku_a, "qty": 1, "retail_price": "20"}]),
            "lines[1].sku_code",
        ),
        (json!([]), "lines"),
    ] {
        let (s, e) = t
            .put_json(
                &rep,
                &format!("/api/v1/profit-surveys/{id}"),
                &body(lines.clone(), version),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{lines}: {e}");
        assert!(e.to_string().contains(field), "{lines}: {e}");
    }
    let status = t
        .scalar_text("SELECT status FROM profit_survey WHERE id = $1", id)
        .await;
    assert_eq!(status, "PENDING");

    // The entry: the margin of the formula; a stale version → 409.
    let (s, v) = t
        .put_json(
            &rep,
            &format!("/api/v1/profit-surveys/{id}"),
            &body(good.clone(), version),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let revenue = 20 * (w_a + 300) + 10 * (w_b - 100);
    let margin = 20 * 300 - 10 * 100;
    let want_pct = margin as f64 / revenue as f64 * 100.0;
    assert!(
        (v["margin_pct"].as_f64().unwrap() - want_pct).abs() < 1e-9,
        "{v}"
    );
    assert_eq!(v["survey"]["inversions"].as_i64(), Some(1));
    assert_eq!(v["survey"]["status"], "DONE");
    let (s, _) = t
        .put_json(
            &rep,
            &format!("/api/v1/profit-surveys/{id}"),
            &body(good, version),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(t.audit_count("profit.enter").await >= 1);

    // The centre's figures equal SQL over the stored lines; counties add up; the inversion is listed.
    let (s, page) = t
        .get_json(&center, &format!("/api/v1/profit-surveys?month={MONTH}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let rev = t
        .scalar_i64(
            &format!("SELECT CAST(SUM(l.retail_price_fen * l.qty) AS BIGINT) FROM profit_line l JOIN profit_survey ps ON ps.id = l.survey_id WHERE ps.month = '{MONTH}'"),
            &[],
        )
        .await;
    let mar = t
        .scalar_i64(
            &format!("SELECT CAST(SUM((l.retail_price_fen - l.wholesale_price_fen) * l.qty) AS BIGINT) FROM profit_line l JOIN profit_survey ps ON ps.id = l.survey_id WHERE ps.month = '{MONTH}'"),
            &[],
        )
        .await;
    assert_eq!((rev, mar), (revenue, margin));
    let total = &page["total"];
    assert!((total["margin_pct"].as_f64().unwrap() - mar as f64 / rev as f64 * 100.0).abs() < 1e-9);
    assert_eq!(total["done"].as_i64(), Some(1));
    assert_eq!(total["met"].as_bool(), Some(want_pct >= 11.2));
    let groups = page["groups"].as_array().unwrap();
    let surveyed: i64 = groups.iter().map(|g| g["surveys"].as_i64().unwrap()).sum();
    assert_eq!(surveyed, want);
    let inv = page["inversions"].as_array().unwrap();
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0]["sku_code"], sku_b);
    assert_eq!(inv[0]["carton_margin_fen"].as_i64(), Some(-100));
    assert_eq!(page["low_skus"][0]["sku_code"], sku_b);

    // The KPI page shows the same margin against the 11.2 % target.
    let (s, k) = t
        .get_json(&center, &format!("/api/v1/kpi?month={MONTH}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{k}");
    let line = k["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"] == "RETAILER_MARGIN")
        .unwrap()
        .clone();
    assert!(
        (line["value"].as_f64().unwrap() - want_pct).abs() < 1e-9,
        "{line}"
    );
    assert_eq!(line["target"].as_f64(), Some(11.2));

    // The next month rotates: no one surveyed in October again while others wait.
    let (s, _) = t
        .post_json(
            &center,
            "/api/v1/profit-draws",
            &json!({"month": "2026-11"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let again = t
        .scalar_i64(
            "SELECT COUNT(*) FROM profit_survey a JOIN profit_survey b ON b.retailer_id = a.retailer_id \
             AND b.month = '2026-10' WHERE a.month = '2026-11'",
            &[],
        )
        .await;
    assert_eq!(again, 0);

    // The pages, reachable from the menu.
    let (s, html) = t.get_html(&center, &format!("/profit?month={MONTH}")).await;
    assert_eq!(s, StatusCode::OK);
    for text in [
        "零售户毛利率",
        "价格倒挂",
        "拉低毛利的规格",
        "分营销部",
        "<svg",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let (s, html) = t.get_html(&rep, &format!("/profit/surveys/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("保存调查") && html.contains("href=\"/profit\""));
    let (_, mo) = t.login_as(Role::MonopolyOfficer).await;
    let (s, _) = t.get_html(&mo, "/profit").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});
