//! `m135 allocate quota|balance` and `m135 tier` on the example files of crates/allocate.
use crate::harness::*;
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../allocate/examples-data")
        .join(name)
}

fn tmp(name: &str) -> PathBuf {
    tmp_in("allocate", name)
}

#[test]
fn quota_worked_example_reaches_400() {
    let out = tmp("q.json");
    let o = m135(&[
        "allocate",
        "quota",
        "--input",
        data("quota-a.json").to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["total_release"], 400);
    assert_eq!(v["coverage"], 392);
    assert_eq!(v["quotas"][0]["tier"], 30);
    assert_eq!(v["quotas"][0]["per_retailer"], 5);
    assert!(
        v["quotas"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("第30档")
    );
    // the published heuristic on the same file gives 399
    let o = m135(&[
        "allocate",
        "quota",
        "--greedy",
        "--input",
        data("quota-a.json").to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total_release"], 399);
}

#[test]
fn quota_array_mirrors_input() {
    let o = m135(&[
        "allocate",
        "quota",
        "--input",
        data("quota-array.json").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 3);
    assert_eq!(arr[0]["total_release"], 900);
    assert_eq!(arr[1]["submarkets"][0]["allotted"], 400);
    assert_eq!(arr[2]["mode"], "C");
    assert_eq!(arr[2]["quotas"][0]["per_retailer"], 20); // anti-hoarding cap; bounds lower tiers too
}

#[test]
fn balance_example() {
    let o = m135(&[
        "allocate",
        "balance",
        "--input",
        data("balance.json").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 100);
    assert_eq!(v["allocations"][0]["final"], 25);
    assert_eq!(v["allocations"][0]["capped"], true);
}

#[test]
fn bad_input_names_the_field() {
    let o = m135(&[
        "allocate",
        "quota",
        "--input",
        data("bad-quota.json").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("[1].sku"), "{err}");
    let bad = tmp("bad-balance.json");
    std::fs::write(
        &bad,
        r#"{"sku":"X","supply":10,"retailers":[{"id":"R1","tier":31,"forecast":2}]}"#,
    )
    .unwrap();
    let o = m135(&["allocate", "balance", "--input", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("retailers[0].tier"));
    std::fs::write(
        &bad,
        r#"{"sku":"X","supply":10,"retailers":[{"id":"R1","tier":3,"forecast":2.5}]}"#,
    )
    .unwrap();
    let o = m135(&["allocate", "balance", "--input", bad.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("retailers[0].forecast"));
    std::fs::write(
        &bad,
        r#"{"sku":"X","planned_release":10,"submarkets":[{"name":"全市","tier_counts":{"5":-3}}]}"#,
    )
    .unwrap();
    let o = m135(&["allocate", "quota", "--input", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("tier_counts.5"));
}

#[test]
fn tier_worked_example() {
    let out = tmp("tiers.csv");
    let o = m135(&[
        "tier",
        "--input",
        data("retailers.csv").to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("id,score,rank,tier,reason"));
    assert!(text.contains("C06,64.85,2,"));
    assert!(text.contains("C09,3.49,10,"));
    assert!(text.contains("N01,,,24,新客户"));
    let o = m135(&[
        "tier",
        "--input",
        data("retailers.csv").to_str().unwrap(),
        "--overrides",
        data("overrides.csv").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("C09,3.49,10,2,人工调整"));
}
