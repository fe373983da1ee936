//! A small in-process cache for figures that change only when sales data is loaded (the role
//! homes show last month's figures). Entries live for a fixed time; writers that change sales
//! data call [`Cache::clear`].
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Entry = (Instant, Arc<dyn Any + Send + Sync>);

#[derive(Clone)]
pub struct Cache {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    ttl: Duration,
}

impl Cache {
    pub fn new(ttl: Duration) -> Cache {
        Cache {
            entries: Arc::new(Mutex::new(HashMap::new())),
            ttl,
        }
    }

    /// The cached value of `key`, or the result of `compute` (cached when it succeeds).
    pub async fn get_or_try<T, E, F, Fut>(&self, key: String, compute: F) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        if let Ok(map) = self.entries.lock()
            && let Some((at, v)) = map.get(&key)
            && at.elapsed() < self.ttl
            && let Some(v) = v.downcast_ref::<T>()
        {
            return Ok(v.clone());
        }
        let v = compute().await?;
        if self.ttl.is_zero() {
            return Ok(v);
        }
        if let Ok(mut map) = self.entries.lock() {
            map.retain(|_, (at, _)| at.elapsed() < self.ttl);
            map.insert(key, (Instant::now(), Arc::new(v.clone())));
        }
        Ok(v)
    }

    /// Forget everything (after a write that changes sales figures).
    pub fn clear(&self) {
        if let Ok(mut map) = self.entries.lock() {
            map.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caches_until_cleared() {
        let rt = std::thread::spawn(|| {
            let c = Cache::new(Duration::from_secs(60));
            let block =
                |f: std::pin::Pin<Box<dyn std::future::Future<Output = Result<i32, ()>>>>| {
                    // A minimal executor: the futures here never wait.
                    let waker = std::task::Waker::noop();
                    let mut cx = std::task::Context::from_waker(waker);
                    let mut f = f;
                    loop {
                        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                            return v;
                        }
                    }
                };
            let a = block(Box::pin(
                c.get_or_try("k".into(), || async { Ok::<_, ()>(1) }),
            ));
            let b = block(Box::pin(
                c.get_or_try("k".into(), || async { Ok::<_, ()>(2) }),
            ));
            c.clear();
            let d = block(Box::pin(
                c.get_or_try("k".into(), || async { Ok::<_, ()>(3) }),
            ));
            (a, b, d)
        });
        assert_eq!(rt.join().unwrap(), (Ok(1), Ok(1), Ok(3)));
    }
}
