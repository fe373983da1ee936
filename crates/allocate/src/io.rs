//! JSON file formats of `m135 allocate quota|balance` (documented with examples in README.md and
//! `examples-data/`). Parsing is from `&str` (no IO); every rejection names the field in JSON-path
//! style, with the array index when the file holds an array, e.g.
//! `[2].submarkets[0].tier_counts.31: 未知档位（应为1–30）`.
use crate::balance::{BalanceProblem, BalanceRetailer, BalanceSolution};
use crate::tier_quota::{AllocationMode, QuotaProblem, QuotaSolution, Submarket};
use crate::{AllocError, TIERS, Tier};
use serde::Serialize;
use serde_json::{Map, Value};

/// A file holds one problem object or an array of them; the output mirrors it.
pub fn parse_many<T>(
    text: &str, one: impl Fn(&Value, &str) -> Result<T, AllocError>,
) -> Result<(Vec<T>, bool), AllocError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| AllocError::invalid("(文件)", format!("不是合法的 JSON：{e}")))?;
    match &v {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                out.push(one(it, &format!("[{i}]."))?);
            }
            Ok((out, true))
        }
        Value::Object(_) => Ok((vec![one(&v, "")?], false)),
        _ => Err(AllocError::invalid(
            "(文件)",
            "应为一个问题对象或问题对象数组",
        )),
    }
}

/// Serialise results mirroring the input shape (object or array), pretty-printed.
pub fn render_many<T: Serialize>(items: &[T], array: bool) -> String {
    let r = if array {
        serde_json::to_string_pretty(items)
    } else {
        serde_json::to_string_pretty(&items[0])
    };
    r.expect("serialisable")
}

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, AllocError> {
    v.as_object()
        .ok_or_else(|| AllocError::invalid(path.trim_end_matches('.'), "应为 JSON 对象"))
}

fn field(path: &str, key: &str) -> String {
    format!("{path}{key}")
}

fn as_u64(v: &Value, f: &str) -> Result<u64, AllocError> {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Ok(u)
            } else if n.as_i64().is_some_and(|i| i < 0) || n.as_f64().is_some_and(|x| x < 0.0) {
                Err(AllocError::invalid(f, format!("不能为负数（{n}）")))
            } else {
                Err(AllocError::invalid(f, format!("必须是整数条数（{n}）")))
            }
        }
        Value::String(s) => Err(AllocError::invalid(
            f,
            format!("应为非负整数，而不是字符串“{s}”"),
        )),
        _ => Err(AllocError::invalid(f, "应为非负整数")),
    }
}

fn req_u64(o: &Map<String, Value>, path: &str, key: &str) -> Result<u64, AllocError> {
    let f = field(path, key);
    as_u64(
        o.get(key)
            .ok_or_else(|| AllocError::invalid(&f, "缺少必填字段"))?,
        &f,
    )
}

fn req_str(o: &Map<String, Value>, path: &str, key: &str) -> Result<String, AllocError> {
    let f = field(path, key);
    match o.get(key) {
        None | Some(Value::Null) => Err(AllocError::invalid(f, "缺少必填字段")),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Value::String(_)) => Err(AllocError::invalid(f, "不能为空")),
        Some(_) => Err(AllocError::invalid(f, "应为字符串")),
    }
}

fn tier_key(k: &str, f: &str) -> Result<usize, AllocError> {
    Tier::parse(k)
        .map(|t| t.get() as usize - 1)
        .map_err(|_| AllocError::invalid(format!("{f}.{k}"), "未知档位（应为1–30）"))
}

fn tier_map(
    o: &Map<String, Value>, path: &str, key: &str,
) -> Result<[Option<u64>; TIERS], AllocError> {
    let mut out = [None; TIERS];
    let f = field(path, key);
    match o.get(key) {
        None | Some(Value::Null) => Ok(out),
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let j = tier_key(k, &f)?;
                out[j] = Some(as_u64(v, &format!("{f}.{k}"))?);
            }
            Ok(out)
        }
        Some(_) => Err(AllocError::invalid(
            f,
            "应为以档位为键的对象，如 {\"30\": 2}",
        )),
    }
}

fn mode(o: &Map<String, Value>, path: &str) -> Result<AllocationMode, AllocError> {
    let f = field(path, "mode");
    match o.get("mode") {
        None | Some(Value::Null) => Ok(AllocationMode::A),
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|_| AllocError::invalid(f, "投放类型应为 A、B1、B2、B3、B4、B5 或 C")),
    }
}

/// Parse one quota problem object.
pub fn quota_problem(v: &Value, path: &str) -> Result<QuotaProblem, AllocError> {
    let o = obj(v, path)?;
    let sku = req_str(o, path, "sku")?;
    let planned_release = req_u64(o, path, "planned_release")?;
    let mode = mode(o, path)?;
    let f = field(path, "submarkets");
    let subs = o
        .get("submarkets")
        .ok_or_else(|| AllocError::invalid(&f, "缺少必填字段"))?;
    let arr = subs
        .as_array()
        .ok_or_else(|| AllocError::invalid(&f, "应为子市场数组"))?;
    let mut submarkets = Vec::with_capacity(arr.len());
    for (i, s) in arr.iter().enumerate() {
        let sp = format!("{f}[{i}].");
        let so = obj(s, &sp)?;
        let name = req_str(so, &sp, "name")?;
        if !so.contains_key("tier_counts") {
            return Err(AllocError::invalid(
                field(&sp, "tier_counts"),
                "缺少必填字段",
            ));
        }
        let counts = tier_map(so, &sp, "tier_counts")?.map(|c| c.unwrap_or(0));
        let biweekly = tier_map(so, &sp, "biweekly_counts")?.map(|c| c.unwrap_or(0));
        let caps = tier_map(so, &sp, "tier_caps")?;
        let share = match so.get("share") {
            None | Some(Value::Null) => None,
            Some(v) => Some(as_u64(v, &field(&sp, "share"))?),
        };
        submarkets.push(Submarket {
            name,
            counts,
            biweekly,
            caps,
            share,
        });
    }
    let p = QuotaProblem {
        sku,
        planned_release,
        mode,
        submarkets,
    };
    crate::tier_quota::validate(&p).map_err(|e| prefix(e, path))?;
    Ok(p)
}

/// Parse one balancing problem object.
pub fn balance_problem(v: &Value, path: &str) -> Result<BalanceProblem, AllocError> {
    let o = obj(v, path)?;
    let sku = req_str(o, path, "sku")?;
    let supply = req_u64(o, path, "supply")?;
    let f = field(path, "retailers");
    let arr = o
        .get("retailers")
        .ok_or_else(|| AllocError::invalid(&f, "缺少必填字段"))?
        .as_array()
        .ok_or_else(|| AllocError::invalid(&f, "应为客户数组"))?;
    let mut retailers = Vec::with_capacity(arr.len());
    for (i, r) in arr.iter().enumerate() {
        let rp = format!("{f}[{i}].");
        let ro = obj(r, &rp)?;
        let id = req_str(ro, &rp, "id")?;
        let tf = field(&rp, "tier");
        let tier = match ro.get("tier") {
            None => return Err(AllocError::invalid(tf, "缺少必填字段")),
            Some(Value::String(s)) => {
                Tier::parse(s).map_err(|_| AllocError::invalid(&tf, "未知档位（应为1–30）"))?
            }
            Some(v) => {
                let t = as_u64(v, &tf)?;
                Tier::new(t as i64)
                    .map_err(|_| AllocError::invalid(&tf, format!("未知档位 {t}（应为1–30）")))?
            }
        };
        let forecast = req_u64(ro, &rp, "forecast")?;
        let cap = match ro.get("cap") {
            None | Some(Value::Null) => None,
            Some(v) => Some(as_u64(v, &field(&rp, "cap"))?),
        };
        retailers.push(BalanceRetailer {
            id,
            tier,
            forecast,
            cap,
        });
    }
    let tier_caps = tier_map(o, path, "tier_caps")?;
    let p = BalanceProblem {
        sku,
        supply,
        retailers,
        tier_caps,
    };
    crate::balance::validate(&p).map_err(|e| prefix(e, path))?;
    Ok(p)
}

fn prefix(e: AllocError, path: &str) -> AllocError {
    match e {
        AllocError::Invalid { field, message } => AllocError::Invalid {
            field: format!("{path}{field}"),
            message,
        },
        other => other,
    }
}

/// Output line of a quota table.
#[derive(Debug, Clone, Serialize)]
pub struct QuotaLine {
    pub submarket: String,
    pub tier: Tier,
    /// `null` = unlimited (mode C).
    pub per_retailer: Option<u64>,
    pub retailers: u64,
    pub biweekly: u64,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubmarketSummary {
    pub name: String,
    pub allotted: u64,
    pub total_release: u64,
    pub coverage: u64,
}

/// The quota output format.
#[derive(Debug, Clone, Serialize)]
pub struct QuotaOutput {
    pub sku: String,
    pub mode: AllocationMode,
    pub planned_release: u64,
    pub total_release: Option<u64>,
    pub coverage: u64,
    pub submarkets: Vec<SubmarketSummary>,
    /// Tiers with retailers only, 30 → 1 per sub-market.
    pub quotas: Vec<QuotaLine>,
}

impl From<&QuotaSolution> for QuotaOutput {
    fn from(s: &QuotaSolution) -> Self {
        QuotaOutput {
            sku: s.sku.clone(),
            mode: s.mode,
            planned_release: s.planned_release,
            total_release: s.total_release,
            coverage: s.coverage,
            submarkets: s
                .submarkets
                .iter()
                .map(|m| SubmarketSummary {
                    name: m.name.clone(),
                    allotted: m.allotted,
                    total_release: m.total_release,
                    coverage: m.coverage,
                })
                .collect(),
            quotas: s
                .submarkets
                .iter()
                .flat_map(|m| {
                    m.tiers
                        .iter()
                        .filter(|q| q.retailers > 0)
                        .map(|q| QuotaLine {
                            submarket: m.name.clone(),
                            tier: q.tier,
                            per_retailer: q.per_retailer,
                            retailers: q.retailers,
                            biweekly: q.biweekly,
                            explanation: q.explanation.clone(),
                        })
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BalanceLine {
    pub id: String,
    pub tier: Tier,
    pub forecast: u64,
    #[serde(rename = "final")]
    pub final_qty: u64,
    pub capped: bool,
    pub flagged: bool,
}

/// The balance output format.
#[derive(Debug, Clone, Serialize)]
pub struct BalanceOutput {
    pub sku: String,
    pub supply: u64,
    pub demand: u64,
    pub total: u64,
    pub cut: bool,
    pub allocations: Vec<BalanceLine>,
}

impl BalanceOutput {
    pub fn new(p: &BalanceProblem, s: &BalanceSolution) -> Self {
        BalanceOutput {
            sku: s.sku.clone(),
            supply: s.supply,
            demand: s.demand,
            total: s.total,
            cut: s.cut,
            allocations: p
                .retailers
                .iter()
                .zip(&s.allocations)
                .map(|(r, a)| BalanceLine {
                    id: r.id.clone(),
                    tier: r.tier,
                    forecast: r.forecast,
                    final_qty: a.final_qty,
                    capped: a.capped,
                    flagged: a.flagged,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_many(text, quota_problem).unwrap_err().to_string()
    }

    #[test]
    fn field_named_errors() {
        assert!(err(r#"{"planned_release":1,"submarkets":[]}"#).contains("sku"));
        assert!(err(r#"[{"sku":"X","planned_release":1,"submarkets":[{"name":"全市","tier_counts":{}}]},{"sku":"Y","planned_release":1.5,"submarkets":[]}]"#).contains("[1].planned_release"));
        let e = err(
            r#"{"sku":"X","planned_release":10,"submarkets":[{"name":"全市","tier_counts":{"31":1}}]}"#,
        );
        assert!(
            e.contains("submarkets[0].tier_counts.31") && e.contains("未知档位"),
            "{e}"
        );
        let e = err(
            r#"{"sku":"X","planned_release":10,"submarkets":[{"name":"全市","tier_counts":{"3":-1}}]}"#,
        );
        assert!(e.contains("tier_counts.3") && e.contains("负数"), "{e}");
        let e = parse_many(
            r#"{"sku":"X","supply":5,"retailers":[{"id":"R1","tier":40,"forecast":1}]}"#,
            balance_problem,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("retailers[0].tier"), "{e}");
    }

    #[test]
    fn parses_and_mirrors() {
        let (ps, arr) = parse_many(r#"{"sku":"X","planned_release":400,"submarkets":[{"name":"全市","tier_counts":{"30":2,"29":3},"tier_caps":{"30":5}}]}"#, quota_problem).unwrap();
        assert!(!arr);
        assert_eq!(ps[0].submarkets[0].counts[29], 2);
        assert_eq!(ps[0].submarkets[0].caps[29], Some(5));
        let s = crate::tier_quota::allocate(&ps[0], &Default::default()).unwrap();
        let out = render_many(&[QuotaOutput::from(&s)], arr);
        assert!(out.starts_with('{') && out.contains("\"per_retailer\": 5"));
    }
}
