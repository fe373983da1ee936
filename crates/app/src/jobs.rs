//! Background jobs started from a page or the API (the MODEL forecast of §5.1 for the whole
//! company): each runs on its own task and reports its phase and progress, which the page polls.
//! Jobs live in memory (the finished ones are also recorded in `month_job`); the latest 50 are
//! kept. One job of a kind and month runs at a time: starting it again returns the running one.
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobState {
    Running,
    Done,
    Failed,
}

impl JobState {
    pub fn zh(self) -> &'static str {
        match self {
            JobState::Running => "运行中",
            JobState::Done => "已完成",
            JobState::Failed => "失败",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: u64,
    pub kind: String,
    pub month: String,
    pub actor: String,
    pub state: JobState,
    /// What the job is doing now, in Chinese (读取需求历史, 模型预测, 写入预测 …).
    pub phase: String,
    pub done: usize,
    pub total: usize,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
}

impl Job {
    /// Progress in percent (0 while the total is unknown).
    pub fn percent(&self) -> u32 {
        if self.state == JobState::Done {
            100
        } else {
            (self.done.min(self.total) * 100)
                .checked_div(self.total)
                .unwrap_or(0) as u32
        }
    }
}

const KEEP: usize = 50;

#[derive(Default)]
struct Inner {
    next: u64,
    jobs: BTreeMap<u64, Job>,
}

/// The job registry of an [`crate::App`] (cheap to clone, shared).
#[derive(Clone, Default)]
pub struct Jobs {
    inner: Arc<Mutex<Inner>>,
}

impl Jobs {
    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut g)
    }

    /// Register a new running job, or return the running one of the same kind and month
    /// (`false` = not newly started).
    pub fn start(&self, kind: &str, month: &str, actor: &str, now: DateTime<Utc>) -> (Job, bool) {
        self.with(|i| {
            if let Some(j) = i
                .jobs
                .values()
                .find(|j| j.kind == kind && j.month == month && j.state == JobState::Running)
            {
                return (j.clone(), false);
            }
            i.next += 1;
            let job = Job {
                id: i.next,
                kind: kind.to_string(),
                month: month.to_string(),
                actor: actor.to_string(),
                state: JobState::Running,
                phase: "排队".to_string(),
                done: 0,
                total: 0,
                started_at: now,
                finished_at: None,
                result: None,
                error: None,
            };
            i.jobs.insert(job.id, job.clone());
            while i.jobs.len() > KEEP {
                let Some(&oldest) = i
                    .jobs
                    .iter()
                    .find(|(_, j)| j.state != JobState::Running)
                    .map(|(k, _)| k)
                else {
                    break;
                };
                i.jobs.remove(&oldest);
            }
            (job, true)
        })
    }

    pub fn phase(&self, id: u64, phase: &str) {
        self.with(|i| {
            if let Some(j) = i.jobs.get_mut(&id) {
                j.phase = phase.to_string();
            }
        });
    }

    pub fn progress(&self, id: u64, done: usize, total: usize) {
        self.with(|i| {
            if let Some(j) = i.jobs.get_mut(&id) {
                j.done = done;
                j.total = total;
            }
        });
    }

    pub fn finish(&self, id: u64, now: DateTime<Utc>, outcome: Result<serde_json::Value, String>) {
        self.with(|i| {
            if let Some(j) = i.jobs.get_mut(&id) {
                j.finished_at = Some(now);
                match outcome {
                    Ok(v) => {
                        j.state = JobState::Done;
                        j.phase = "完成".to_string();
                        j.done = j.total;
                        j.result = Some(v);
                    }
                    Err(e) => {
                        j.state = JobState::Failed;
                        j.phase = "失败".to_string();
                        j.error = Some(e);
                    }
                }
            }
        });
    }

    pub fn get(&self, id: u64) -> Option<Job> {
        self.with(|i| i.jobs.get(&id).cloned())
    }

    /// The latest job of a kind and month.
    pub fn latest(&self, kind: &str, month: &str) -> Option<Job> {
        self.with(|i| {
            i.jobs
                .values()
                .rev()
                .find(|j| j.kind == kind && j.month == month)
                .cloned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_running_job_per_kind_and_month() {
        let jobs = Jobs::default();
        let now = Utc::now();
        let (a, new_a) = jobs.start("MODEL_FORECAST", "2026-12", "yxzx01", now);
        let (b, new_b) = jobs.start("MODEL_FORECAST", "2026-12", "yxzx02", now);
        assert!(new_a && !new_b);
        assert_eq!(a.id, b.id);
        jobs.progress(a.id, 5, 20);
        assert_eq!(jobs.get(a.id).unwrap().percent(), 25);
        jobs.finish(a.id, now, Ok(serde_json::json!({"pairs": 20})));
        let done = jobs.get(a.id).unwrap();
        assert_eq!((done.state, done.percent()), (JobState::Done, 100));
        let (c, new_c) = jobs.start("MODEL_FORECAST", "2026-12", "yxzx01", now);
        assert!(new_c && c.id != a.id);
        assert_eq!(jobs.latest("MODEL_FORECAST", "2026-12").unwrap().id, c.id);
    }
}
