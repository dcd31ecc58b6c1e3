//! CPU-bound work — embeddings, the assistant's decision, searches, password hashing — run off
//! the async threads, at most one piece per core at a time.
//!
//! Each such piece used to get its own blocking thread (tokio allows 512). Under the soak test's
//! 500 conversations on two cores, hundreds of forward passes of the sentence encoder then ran
//! at once, each with its own activations: a node's memory climbed past 11 GB until the kernel
//! killed it, and every answer slowed down together. With one permit per core, requests wait
//! their turn in an async queue that costs nothing, and each piece runs at full speed.

use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;
use tokio::task::JoinError;

/// One permit per core.
fn permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            Arc::new(Semaphore::new(cores))
        })
        .clone()
}

/// Runs `f` on a blocking thread once a core is free. The permit goes with the work: a caller
/// that gives up waiting (a closed request) does not free it before the work ends.
pub async fn run<T, F>(f: F) -> Result<T, JoinError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let permit = permits()
        .acquire_owned()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(move || {
        let out = f();
        drop(permit);
        out
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_pieces_run_at_once_than_there_are_cores() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.expect("task").expect("work");
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=cores).contains(&most),
            "{most} at once on {cores} cores"
        );
    }
}
