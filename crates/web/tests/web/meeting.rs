//! The forecast meeting (`/meeting`, `/api/v1/accuracy`): accuracy by §5.2 checked by SQL, the
//! meeting page with its definitions and the brand plan. Steps of the month walks (`cycle`).
use crate::cycle::TARGET;
use crate::harness::*;

/// Accuracy: refused before the target month's orders are in, then matches §5.2 by SQL.
pub async fn api_step_accuracy(t: &TestApp, center: &Client) {
    let _s = step("meeting: accuracy matches §5.2 by SQL");
    let (s, _) = t
        .get_json(center, &format!("/api/v1/accuracy/{TARGET}?by=total"))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    t.at(2026, 11, 2);
    let (s, acc) = t
        .get_json(center, &format!("/api/v1/accuracy/{TARGET}?by=total"))
        .await;
    assert_eq!(s, StatusCode::OK, "{acc}");
    let sum_a = t
        .scalar_i64(
            &format!(
                "SELECT CAST(SUM(demanded_qty) AS BIGINT) FROM sales_month WHERE month = '{TARGET}'"
            ),
            &[],
        )
        .await;
    let sum_s = t
        .scalar_i64(
            &format!(
                "SELECT CAST(SUM(supplied_qty) AS BIGINT) FROM sales_month WHERE month = '{TARGET}'"
            ),
            &[],
        )
        .await;
    let err_forecast = t
        .scalar_i64(
            &format!(
                "SELECT CAST(COALESCE(SUM(ABS(COALESCE(s.demanded_qty, 0) - f.quantity)), 0) AS BIGINT) FROM forecast f \
                 LEFT JOIN sales_month s ON s.month = f.month AND s.retailer_id = f.retailer_id AND s.product_id = f.product_id \
                 WHERE f.month = '{TARGET}'"
            ),
            &[],
        )
        .await;
    let err_unforecast = t
        .scalar_i64(
            &format!(
                "SELECT CAST(COALESCE(SUM(s.demanded_qty), 0) AS BIGINT) FROM sales_month s WHERE s.month = '{TARGET}' AND NOT EXISTS \
                 (SELECT 1 FROM forecast f WHERE f.month = s.month AND f.retailer_id = s.retailer_id AND f.product_id = s.product_id)"
            ),
            &[],
        )
        .await;
    let row = &acc["rows"][0];
    assert_eq!(row["actual"], sum_a);
    let expect_w = 1.0 - (err_forecast + err_unforecast) as f64 / sum_a as f64;
    assert!(
        (row["weighted_accuracy"].as_f64().unwrap() - expect_w).abs() < 1e-9,
        "{row} vs {expect_w}"
    );
    let expect_fill = sum_s as f64 / sum_a as f64;
    assert!((row["order_fill_rate"].as_f64().unwrap() - expect_fill).abs() < 1e-9);
    // The KPI page's 需求预测准确率 is the same weighted accuracy, from the per-cell totals.
    let (s, k) = t
        .get_json(center, &format!("/api/v1/kpi?month={TARGET}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{k}");
    let kpi_acc = k["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "FORECAST_ACCURACY")
        .unwrap()["value"]
        .as_f64()
        .unwrap_or_else(|| panic!("no accuracy on the KPI page: {k}"));
    assert!(
        (kpi_acc - expect_w * 100.0).abs() < 1e-9,
        "{kpi_acc} vs {expect_w}"
    );
    assert_eq!(acc["definitions"].as_array().unwrap().len(), 4);
    let (s, by_method) = t
        .get_json(center, &format!("/api/v1/accuracy/{TARGET}?by=method"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        by_method["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "INTERACTIVE_VISIT")
    );
    assert_eq!(by_method["comparison"]["retailers"], 1);
    // The groupings read the month's roll-up; by retailer reads the cells: both agree.
    let (s, by_retailer) = t
        .get_json(center, &format!("/api/v1/accuracy/{TARGET}?by=retailer"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(by_retailer["comparison"], by_method["comparison"]);
    let (mut cells, mut forecast, mut err, mut acc_sum) = (0i64, 0i64, 0.0, 0.0);
    for r in by_retailer["rows"].as_array().unwrap() {
        let (n, a, f) = (
            r["cells"].as_i64().unwrap(),
            r["actual"].as_i64().unwrap(),
            r["forecast"].as_i64().unwrap(),
        );
        cells += n;
        forecast += f;
        // Σ|A − F| of the retailer: (1 − weighted) × ΣA, or ΣF where ΣA = 0.
        err += r["weighted_accuracy"]
            .as_f64()
            .map_or(f as f64, |w| (1.0 - w) * a as f64);
        acc_sum += r["mean_cell_accuracy"].as_f64().unwrap() * n as f64;
    }
    assert_eq!(row["cells"], cells);
    assert_eq!(row["forecast"], forecast);
    assert!((err - (err_forecast + err_unforecast) as f64).abs() < 1e-6);
    let mean = row["mean_cell_accuracy"].as_f64().unwrap();
    assert!((mean - acc_sum / cells as f64).abs() < 1e-9, "{mean}");
}

/// ⑤ The forecast meeting of December: October's accuracy with its definitions; a rep is refused.
pub async fn pages_step_december_meeting(t: &TestApp, rc: &Client, mc: &Client) {
    let _s = step("meeting: December's meeting page");
    let (s, page) = t.get_html(mc, "/meeting/2026-12").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    for w in [
        "预测会",
        "2026-10",
        "加权准确率 = 1 − Σ|A − F| / ΣA",
        "订单满足率",
        "市场部",
        "客户经理",
        "双向互动",
        "货源政策",
    ] {
        assert!(page.contains(w), "meeting page lacks {w}");
    }
    let (s, _) = t.get_html(rc, "/meeting/2026-12").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

// The meeting page shows October's brand plan: open cultivation tasks of the month's weeks with
// their author; not a November task, not a closed one.
both_backends!(meeting_shows_brand_plan, async |t: TestApp| {
    t.at(2026, 9, 20);
    let center = t.login("yxzx01").await;
    let brand = store::repo::cultivation::all_brands(t.db())
        .await
        .unwrap()
        .remove(0);
    let task = |title: &str, from: &str, to: &str| {
        json!({
            "brand": brand, "title": title, "method": "逐户摆放样品并讲解卖点",
            "scope": "COUNTY", "org_unit_code": "CTY01", "min_tier": 10, "from_week": from, "to_week": to
        })
    };
    let mut ids = Vec::new();
    for (title, from, to) in [
        ("十月新品上柜", "2026-W39", "2026-W41"),
        ("十一月陈列", "2026-W45", "2026-W46"),
        ("十月已关闭", "2026-W42", "2026-W42"),
    ] {
        let (s, v) = t
            .post_json(&center, "/api/v1/cultivation-tasks", &task(title, from, to))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    let r = t
        .post_empty(
            &center,
            &format!("/api/v1/cultivation-tasks/{}/close", ids[2]),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let mm = t.login_form(&t.user_of_role("market_manager").await).await;
    let (s, page) = t.get_html(&mm, &format!("/meeting/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("品牌培育计划"), "{page}");
    let plan = &page[page.find("品牌培育计划").unwrap()..];
    for w in [
        "十月新品上柜",
        brand.as_str(),
        "逐户摆放样品并讲解卖点",
        "县级营销部",
        "10 档及以上",
        "2026-W39",
    ] {
        assert!(plan.contains(w), "brand plan lacks {w}: {plan}");
    }
    assert!(
        !plan.contains("十一月陈列"),
        "a November task is not October's"
    );
    assert!(!plan.contains("十月已关闭"), "a closed task is not shown");
    // The author's name.
    let author = t.staff("yxzx01").await.name;
    assert!(plan.contains(&author), "{plan}");
});
