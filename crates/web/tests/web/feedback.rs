//! Feedback (`/feedback`, `/api/v1/feedback`, domain.md §7 ⑤): the rep ticks a retailer off once,
//! recording the 动销台帐 value. Steps of the month walks (`cycle`).
use crate::cycle::TARGET;
use crate::forecasts::{PhoneEdit, RepRecords};
use crate::harness::*;

/// The rep ticks a retailer off once; the calendar then stands in the feedback phase with the
/// earlier gates met.
pub async fn api_step_tick_once(t: &TestApp, rep: &RepRecords, center: &Client) {
    let _s = step("feedback: the rep ticks a retailer off once");
    let rc = &rep.c;
    let (s, fb) = t.get_json(rc, &format!("/api/v1/feedback/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    let first = fb[0]["customer_code"].as_str().unwrap().to_string();
    for newly in [true, false] {
        let (s, v) = t
            .post_json(
                rc,
                &format!("/api/v1/feedback/{TARGET}/{first}"),
                &json!({"note": "已记入动销台帐"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["newly_ticked"], newly);
        assert_eq!(v["ledger_qty"], fb[0]["balanced_qty"]);
    }
    assert_eq!(t.audit_count("feedback.tick").await, 1);
    let (_, cyc) = t.get_json(center, "/api/v1/cycle/CTY01/2026-09").await;
    assert_eq!(cyc["standing"], "FEEDBACK", "{cyc}");
    assert_eq!(cyc["phases"][3]["gate_met"], true);
    assert_eq!(cyc["phases"][1]["gate_met"], true);
}

/// ④ Feedback: one tap on the page records the 动销台帐 value.
pub async fn pages_step_feedback(t: &TestApp, rc: &Client, edit: &PhoneEdit) {
    let _s = step("feedback: one tap on the page");
    let r0 = edit.r0.as_str();
    let (s, page) = t.get_html(rc, &format!("/feedback/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("预测反馈") && page.contains(r0) && page.contains("已反馈"));
    let (s, _) = t
        .post_form(
            rc,
            &format!("/feedback/{TARGET}/{r0}"),
            &[("csrf", &edit.token), ("text", "已告知")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, fb) = t.get_json(rc, &format!("/api/v1/feedback/{TARGET}")).await;
    let item = fb
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["customer_code"] == r0)
        .cloned()
        .unwrap();
    assert!(!item["ticked_at"].is_null(), "{item}");
}
