//! Signals between processes sharing a store: on PostgreSQL a notification from one store
//! handle (one node) reaches the listener of another, a lost connection is reported as a gap
//! and then heals; on SQLite nobody else shares the store, so there is nothing to listen to.

mod common;

use levier_store::Store;
use levier_store::signals::{MAX_PAYLOAD_BYTES, Signal};
use std::time::Duration;

const CHANNEL: &str = "levier_test_signals";

/// The next signal, failing the test if none comes within a generous bound.
async fn next(listener: &mut levier_store::signals::Listener) -> Signal {
    tokio::time::timeout(Duration::from_secs(30), listener.recv())
        .await
        .expect("a signal within 30 s")
        .expect("the listener works")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_has_no_listener_and_notifying_does_nothing() {
    let t = common::sqlite().await;
    assert!(t.store.listen(CHANNEL).await.expect("listen").is_none());
    t.store.notify(CHANNEL, "hello").await.expect("no-op");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_from_one_node_reaches_the_listener_of_another() {
    let Some(a) = common::postgres().await else {
        return;
    };
    let b = Store::open(&a.config).await.expect("second node's store");
    let mut listener = b.listen(CHANNEL).await.expect("listen").expect("postgres");
    a.store.notify(CHANNEL, "message 42").await.expect("notify");
    a.store
        .notify("another_channel", "not for us")
        .await
        .expect("notify");
    a.store.notify(CHANNEL, "message 43").await.expect("notify");
    assert_eq!(
        next(&mut listener).await,
        Signal::Payload("message 42".into())
    );
    assert_eq!(
        next(&mut listener).await,
        Signal::Payload("message 43".into())
    );

    let too_big = "x".repeat(MAX_PAYLOAD_BYTES + 1);
    let e = a
        .store
        .notify(CHANNEL, &too_big)
        .await
        .expect_err("too big");
    assert!(e.to_string().contains("at most"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_connection_is_a_gap_then_the_listener_hears_again() {
    let Some(a) = common::postgres().await else {
        return;
    };
    let mut listener = a
        .store
        .listen(CHANNEL)
        .await
        .expect("listen")
        .expect("postgres");
    // Another node's view of the server killing the listener's connection (a restart, a
    // network cut): every backend listening on the channel is terminated.
    common::raw_sql(
        &a.config,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE pid <> pg_backend_pid() AND query LIKE 'LISTEN%'",
    )
    .await
    .expect("terminate the listener's connection");
    assert_eq!(next(&mut listener).await, Signal::Gap);
    // The next call reconnects and listens again; a notifier keeps sending meanwhile, since
    // the reconnection races with the notifications.
    let notifier = a.store.clone();
    let sending = tokio::spawn(async move {
        loop {
            notifier.notify(CHANNEL, "after").await.expect("notify");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let heard = loop {
        match next(&mut listener).await {
            Signal::Payload(p) => break p,
            Signal::Gap => continue,
        }
    };
    sending.abort();
    assert_eq!(heard, "after");
}
