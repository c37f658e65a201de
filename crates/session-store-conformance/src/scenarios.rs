//! The scenarios: each an `async fn` over a fresh backend, asserting through the public API.

use std::collections::HashSet;
use std::error::Error as _;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use session_cookie::cookie::{Cookie, SameSite};
use session_cookie::{CookieLifetime, CookieProxy};
use session_store::{
    Backend, CreateOptions, Error, ErrorKind, Handle, Loader, MAX_LABEL_BYTES, ManualClock, Policy,
    Session, Store,
};
use session_token::Token;
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::counted::Counted;
use crate::harness::{Harness, Outage, TestUserId};

/// The clock's start: every scenario's time 0.
pub const T0: i64 = 1_700_000_000;
/// The standard policy's absolute lifetime, in seconds.
pub const ABSOLUTE: i64 = 3600;
/// The standard policy's idle timeout, in seconds.
pub const IDLE: i64 = 600;
/// The standard policy's touch interval, in seconds.
pub const TOUCH: i64 = 60;
/// How many sessions the scale scenario lists and purges.
pub const MANY: usize = 10_000;
/// The time [`MANY`] sessions of one user must be listed in (a debug build on a shared
/// machine, one query).
pub const LIST_BUDGET: Duration = Duration::from_secs(5);
/// The time [`MANY`] expired sessions must be purged in (one statement).
pub const PURGE_BUDGET: Duration = Duration::from_secs(5);
/// The time each operation has to fail while the backend is down: a hang fails the scenario.
pub const DOWN_BUDGET: Duration = Duration::from_secs(30);

type Uid<H> = <<H as Harness>::Backend as Backend>::UserId;
type TestStore<H> = Store<Counted<<H as Harness>::Backend>>;
pub(crate) type Run<H> = fn(Arc<H>) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// The standard policy: one hour absolute, ten minutes idle, touched once a minute.
#[must_use]
pub fn standard_policy() -> Policy {
    Policy::new(Duration::from_secs(ABSOLUTE.unsigned_abs()))
        .with_idle_timeout(Some(Duration::from_secs(IDLE.unsigned_abs())))
        .with_touch_interval(Duration::from_secs(TOUCH.unsigned_abs()))
}

/// The table: name and scenario. The "backend down" scenarios are added by `run`, one for
/// the injected outage and one per real outage of the harness.
pub(crate) fn table<H: Harness>() -> Vec<(&'static str, Run<H>)> {
    macro_rules! scenario {
        ($name:literal, $f:ident) => {
            (
                $name,
                |h: Arc<H>| -> Pin<Box<dyn Future<Output = ()> + Send>> { Box::pin($f::<H>(h)) },
            )
        };
    }
    vec![
        scenario!(
            "create then load: every field, and the Loader agrees",
            create_and_load
        ),
        scenario!("only Token::hash() is stored", stores_only_the_hash),
        scenario!(
            "create-if-absent: a taken key is never overwritten",
            create_if_absent
        ),
        scenario!(
            "an unknown token creates nothing",
            unknown_tokens_create_nothing
        ),
        scenario!(
            "expiry at exactly the absolute lifetime, deleted lazily",
            absolute_lifetime
        ),
        scenario!(
            "expiry at exactly the idle timeout, deleted lazily",
            idle_timeout
        ),
        scenario!(
            "no idle timeout: only the absolute lifetime counts",
            no_idle_timeout
        ),
        scenario!(
            "touch at most once per interval (writes counted)",
            touch_throttled
        ),
        scenario!(
            "touch interval capped at half the idle timeout",
            touch_capped_by_idle
        ),
        scenario!("touch by a loader of its own", touch_by_caller),
        scenario!("rotate: new token, same session, old token dead", rotate),
        scenario!("revoke one", revoke_one),
        scenario!("revoke all of a user", revoke_user),
        scenario!("revoke all others", revoke_others),
        scenario!("list a user's live sessions", list),
        scenario!("labels: kept, clipped, optional", labels),
        scenario!(
            "remember me: the persistent flag round trips",
            persistent_round_trip
        ),
        scenario!(
            "remember me: rotation keeps the choice",
            rotate_keeps_persistence
        ),
        scenario!(
            "remember me: Max-Age capped by the time left and the proxy",
            persistent_max_age
        ),
        scenario!("revoke by handle, only for its own user", revoke_by_handle),
        scenario!("purge never deletes a live session", purge),
        scenario!("concurrent creates never collide", concurrent_creates),
        scenario!(
            "concurrent inserts of one token: one wins",
            concurrent_inserts
        ),
        scenario!(
            "revoke-all racing loads: gone or valid, never half",
            revoke_all_races_loads
        ),
        scenario!("10,000 sessions listed and purged in time", many_sessions),
    ]
}

/// A store over a fresh backend, on a manual clock at [`T0`].
struct Ctx<H: Harness> {
    clock: ManualClock,
    store: TestStore<H>,
}

impl<H: Harness> Ctx<H> {
    async fn new(harness: &H) -> Self {
        Self::with_policy(harness, standard_policy()).await
    }

    async fn with_policy(harness: &H, policy: Policy) -> Self {
        let clock = ManualClock::new(T0);
        let store =
            Store::new(Counted::new(harness.backend().await), policy).with_clock(clock.clone());
        Self { clock, store }
    }

    /// Sets the clock to `T0 + offset`.
    fn at(&self, offset: i64) {
        self.clock.set(T0 + offset);
    }

    async fn create(&self, user: u32) -> Token {
        self.store.create(Uid::<H>::nth(user)).await.must("create")
    }

    async fn load(&self, token: &Token) -> Option<Session<Uid<H>>> {
        self.store.load(token).await.must("load")
    }

    async fn live(&self, token: &Token, what: &str) -> Session<Uid<H>> {
        self.load(token)
            .await
            .unwrap_or_else(|| panic!("{what}: expected a live session"))
    }

    async fn gone(&self, token: &Token, what: &str) {
        if let Some(session) = self.load(token).await {
            panic!("{what}: expected no session, got {session:?}");
        }
    }

    /// Whether the backend still holds a record under the token's key, live or not.
    async fn stored(&self, token: &Token) -> bool {
        self.store
            .backend()
            .inner()
            .get(&token.hash())
            .await
            .map_err(Error::backend)
            .must("backend get")
            .is_some()
    }

    async fn handles(&self, user: u32) -> Vec<Handle> {
        let sessions = self.store.list(&Uid::<H>::nth(user)).await.must("list");
        sessions.iter().map(|s| s.handle).collect()
    }
}

fn user<H: Harness>(n: u32) -> Uid<H> {
    Uid::<H>::nth(n)
}

fn handle_of(token: &Token) -> Handle {
    Handle::from_key(&token.hash())
}

/// `Result::unwrap` with the error chain in the panic message.
trait Must<T> {
    fn must(self, what: &str) -> T;
}

impl<T> Must<T> for Result<T, Error> {
    fn must(self, what: &str) -> T {
        self.unwrap_or_else(|err| panic!("{what}: {}", chain(&err)))
    }
}

fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

async fn create_and_load<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let token = ctx.create(1).await;
    let session = ctx.live(&token, "just created").await;
    assert_eq!(session.user_id, user::<H>(1));
    assert_eq!(session.handle, handle_of(&token));
    assert_eq!(session.created_at, T0);
    assert_eq!(session.last_seen_at, T0);
    assert_eq!(session.expires_at, T0 + ABSOLUTE);
    assert_eq!(session.idle_expires_at, Some(T0 + IDLE));
    assert_eq!(session.label, None);
    let via_loader = Loader::load(&ctx.store, &token).await.must("Loader::load");
    assert_eq!(via_loader, Some(session));
    assert_eq!(ctx.handles(1).await, vec![handle_of(&token)]);
}

async fn stores_only_the_hash<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let token = ctx.create(1).await;
    let inner = ctx.store.backend().inner();
    let record = inner.get(&token.hash()).await.map_err(Error::backend);
    let record = record.must("get").expect("stored under token.hash()");
    assert_eq!(record.key, token.hash());
    assert_ne!(&record.key, token.as_bytes());
    let by_token = inner.get(token.as_bytes()).await.map_err(Error::backend);
    assert!(
        by_token.must("get").is_none(),
        "nothing under the raw token"
    );
    let handle = handle_of(&token).to_string();
    assert_eq!(handle.len(), 2 * Handle::LEN);
    assert!(!token.encode().as_str().contains(&handle));
}

async fn create_if_absent<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let token = Token::<32>::generate().expect("OS RNG");
    let store = &ctx.store;
    store
        .insert(&token, user::<H>(1), Some("first"))
        .await
        .must("first insert");
    ctx.at(5);
    let again = store.insert(&token, user::<H>(2), Some("second")).await;
    assert_eq!(again.map_err(|e| e.kind()), Err(ErrorKind::AlreadyExists));
    let session = ctx.live(&token, "after the refused insert").await;
    assert_eq!(session.user_id, user::<H>(1));
    assert_eq!(session.label.as_deref(), Some("first"));
    assert_eq!(session.created_at, T0);
    assert!(ctx.handles(2).await.is_empty(), "user 2 got nothing");
}

async fn unknown_tokens_create_nothing<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let unknown = Token::<32>::generate().expect("OS RNG");
    assert!(ctx.load(&unknown).await.is_none());
    assert_eq!(
        Loader::load(store, &unknown).await.must("Loader::load"),
        None
    );
    assert!(!store.touch(&unknown, 0).await.must("touch"));
    assert_eq!(store.rotate(&unknown).await.must("rotate"), None);
    assert!(!store.revoke(&unknown).await.must("revoke"));
    assert_eq!(store.revoke_others(&unknown).await.must("revoke_others"), 0);
    assert!(!ctx.stored(&unknown).await);
    assert_eq!(store.backend().calls().insert, 0);
    assert_eq!(store.purge_expired().await.must("purge"), 0);
}

async fn absolute_lifetime<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let token = ctx.create(1).await;
    // Active every 5 minutes (inside the idle timeout) for the whole hour.
    for t in (300..ABSOLUTE).step_by(300) {
        ctx.at(t);
        ctx.live(&token, &format!("active at +{t}")).await;
    }
    ctx.at(ABSOLUTE - 1);
    ctx.live(&token, "one second before the absolute lifetime")
        .await;
    ctx.at(ABSOLUTE);
    ctx.gone(&token, "at exactly the absolute lifetime").await;
    assert!(!ctx.stored(&token).await, "deleted when found expired");
    let before = ctx.store.backend().calls();
    ctx.gone(&token, "again").await;
    assert_eq!(ctx.store.backend().calls().since(&before).writes(), 0);
}

async fn idle_timeout<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let used = ctx.create(1).await;
    let unused = ctx.create(1).await;
    ctx.at(IDLE - 1);
    let session = ctx.live(&used, "one second before the idle timeout").await;
    assert_eq!(session.last_seen_at, T0 + IDLE - 1, "touched");
    assert_eq!(session.idle_expires_at, Some(T0 + 2 * IDLE - 1));
    ctx.at(IDLE);
    ctx.gone(&unused, "at exactly the idle timeout").await;
    assert!(!ctx.stored(&unused).await, "deleted when found idle");
    // Idle counts from the last touch.
    ctx.at(2 * IDLE - 2);
    ctx.live(&used, "idle since the touch, one second short")
        .await;
    ctx.at(3 * IDLE - 2);
    ctx.gone(&used, "idle for the whole timeout since the last touch")
        .await;
    assert!(!ctx.stored(&used).await);
}

async fn no_idle_timeout<H: Harness>(h: Arc<H>) {
    let policy = standard_policy().with_idle_timeout(None);
    let ctx = Ctx::with_policy(&*h, policy).await;
    let token = ctx.create(1).await;
    ctx.at(ABSOLUTE - 1);
    let session = ctx.live(&token, "unused for almost the lifetime").await;
    assert_eq!(session.idle_expires_at, None);
    ctx.at(ABSOLUTE);
    ctx.gone(&token, "at the absolute lifetime").await;
}

async fn touch_throttled<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let token = ctx.create(1).await;
    let start = ctx.store.backend().calls();
    let mut loads = 0;
    // (time, the last_seen_at every load at that time must report, touches expected there)
    for (t, seen, touches) in [
        (0, 0, 0),
        (1, 0, 0),
        (TOUCH - 1, 0, 0),
        (TOUCH, TOUCH, 1),
        (TOUCH + 1, TOUCH, 0),
        (2 * TOUCH - 1, TOUCH, 0),
        (2 * TOUCH, 2 * TOUCH, 1),
        (5 * TOUCH + 7, 5 * TOUCH + 7, 1),
    ] {
        ctx.at(t);
        let before = ctx.store.backend().calls();
        for _ in 0..3 {
            let session = ctx.live(&token, &format!("at +{t}")).await;
            assert_eq!(session.last_seen_at, T0 + seen, "at +{t}");
            loads += 1;
        }
        let calls = ctx.store.backend().calls().since(&before);
        assert_eq!(calls.touch, touches, "touches at +{t}");
        assert_eq!(calls.writes(), touches, "writes at +{t}: {calls:?}");
        assert_eq!(calls.get, 3, "one read per load at +{t}");
    }
    let calls = ctx.store.backend().calls().since(&start);
    assert_eq!(
        calls.total(),
        loads + 3,
        "queries per request: one, plus one per interval"
    );
}

async fn touch_capped_by_idle<H: Harness>(h: Arc<H>) {
    let policy = standard_policy()
        .with_idle_timeout(Some(Duration::from_secs(30)))
        .with_touch_interval(Duration::from_secs(60));
    let ctx = Ctx::with_policy(&*h, policy).await;
    let token = ctx.create(1).await;
    // A request every 20 s keeps a 30 s idle session alive despite the 60 s interval.
    for step in 1..=10 {
        ctx.at(20 * step);
        ctx.live(&token, &format!("request {step}")).await;
    }
}

async fn touch_by_caller<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let token = ctx.create(1).await;
    ctx.at(TOUCH - 1);
    assert!(!store.touch(&token, T0).await.must("touch"), "not due");
    assert_eq!(store.backend().calls().touch, 0, "not even asked");
    ctx.at(TOUCH);
    assert!(store.touch(&token, T0).await.must("touch"), "due");
    assert!(
        !store.touch(&token, T0).await.must("touch"),
        "already at now"
    );
    assert_eq!(ctx.live(&token, "touched").await.last_seen_at, T0 + TOUCH);
}

async fn rotate<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let old = store
        .create_labeled(user::<H>(1), "laptop")
        .await
        .must("create");
    let idle = ctx.create(1).await;
    ctx.at(100);
    let new = store.rotate(&old).await.must("rotate").expect("live");
    assert_ne!(new, old);
    ctx.gone(&old, "the old token after rotation").await;
    let session = ctx.live(&new, "the new token").await;
    assert_eq!(session.user_id, user::<H>(1));
    assert_eq!(session.label.as_deref(), Some("laptop"));
    assert_eq!(session.created_at, T0);
    assert_eq!(session.expires_at, T0 + ABSOLUTE, "the deadline is kept");
    assert_eq!(session.last_seen_at, T0 + 100);
    assert_eq!(session.handle, handle_of(&new));
    assert_eq!(
        store.rotate(&old).await.must("rotate"),
        None,
        "a dead token"
    );
    ctx.at(IDLE);
    assert_eq!(
        store.rotate(&idle).await.must("rotate"),
        None,
        "an idle session"
    );
    // Rotating never extends the absolute lifetime.
    ctx.live(&new, "active").await;
    for t in (1000..ABSOLUTE).step_by(500) {
        ctx.at(t);
        ctx.live(&new, &format!("active at +{t}")).await;
    }
    ctx.at(ABSOLUTE - 1);
    let newer = store.rotate(&new).await.must("rotate").expect("live");
    ctx.at(ABSOLUTE);
    ctx.gone(&newer, "rotated, at the original deadline").await;
}

async fn revoke_one<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let a = ctx.create(1).await;
    let b = ctx.create(1).await;
    assert!(store.revoke(&a).await.must("revoke"));
    ctx.gone(&a, "revoked").await;
    ctx.live(&b, "the user's other session").await;
    assert!(!store.revoke(&a).await.must("revoke"), "only once");
    assert!(!ctx.stored(&a).await);
}

async fn revoke_user<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let mine = [
        ctx.create(1).await,
        ctx.create(1).await,
        ctx.create(1).await,
    ];
    let theirs = ctx.create(2).await;
    assert_eq!(
        store.revoke_user(&user::<H>(1)).await.must("revoke_user"),
        3
    );
    for token in &mine {
        ctx.gone(token, "revoked with all of the user's").await;
    }
    ctx.live(&theirs, "another user's").await;
    assert_eq!(
        store.revoke_user(&user::<H>(1)).await.must("revoke_user"),
        0
    );
    assert_eq!(
        store.revoke_user(&user::<H>(3)).await.must("revoke_user"),
        0
    );
}

async fn revoke_others<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let here = ctx.create(1).await;
    let there = [ctx.create(1).await, ctx.create(1).await];
    let theirs = ctx.create(2).await;
    assert_eq!(store.revoke_others(&here).await.must("revoke_others"), 2);
    ctx.live(&here, "the current session").await;
    for token in &there {
        ctx.gone(token, "the user's other sessions").await;
    }
    ctx.live(&theirs, "another user's").await;
    // An expired current session names nobody: nothing is revoked.
    let stale = ctx.create(3).await;
    ctx.at(IDLE - 1);
    let fresh = ctx.create(3).await;
    ctx.at(IDLE);
    assert_eq!(store.revoke_others(&stale).await.must("revoke_others"), 0);
    ctx.live(&fresh, "the session an expired one did not revoke")
        .await;
}

async fn list<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let a = store.create_labeled(user::<H>(1), "a").await.must("create");
    ctx.at(10);
    let b = store.create_labeled(user::<H>(1), "b").await.must("create");
    ctx.at(20);
    let c = ctx.create(1).await;
    ctx.create(2).await;
    // Ids that share a prefix with user 1's are other users.
    ctx.create(10).await;
    ctx.create(11).await;
    let before = store.backend().calls();
    let listed = store.list(&user::<H>(1)).await.must("list");
    assert_eq!(store.backend().calls().since(&before).writes(), 0, "a read");
    let summary: Vec<_> = listed
        .iter()
        .map(|s| (s.handle, s.created_at, s.last_seen_at, s.label.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (handle_of(&a), T0, T0, Some("a")),
            (handle_of(&b), T0 + 10, T0 + 10, Some("b")),
            (handle_of(&c), T0 + 20, T0 + 20, None),
        ],
        "oldest first"
    );
    assert!(listed.iter().all(|s| s.user_id == user::<H>(1)));
    assert!(
        listed
            .iter()
            .all(|s| s.expires_at == s.created_at + ABSOLUTE)
    );
    let current = ctx.live(&b, "b").await;
    assert_eq!(
        listed[1].handle, current.handle,
        "the request's own session"
    );
    assert_eq!(ctx.handles(2).await.len(), 1);
    assert!(ctx.handles(3).await.is_empty());
    // Expired sessions are not listed.
    ctx.at(IDLE + 5);
    assert_eq!(ctx.handles(1).await, vec![handle_of(&b), handle_of(&c)]);
    ctx.at(IDLE + 15);
    assert_eq!(ctx.handles(1).await, vec![handle_of(&c)]);
}

async fn labels<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 — ü";
    let token = store
        .create_labeled(user::<H>(1), agent)
        .await
        .must("create");
    assert_eq!(
        ctx.live(&token, "labelled").await.label.as_deref(),
        Some(agent)
    );
    let long = "é".repeat(MAX_LABEL_BYTES);
    let token = store
        .create_labeled(user::<H>(2), &long)
        .await
        .must("create");
    let label = ctx
        .live(&token, "long label")
        .await
        .label
        .unwrap_or_default();
    assert!(label.len() <= MAX_LABEL_BYTES && label.len() >= MAX_LABEL_BYTES - 1);
    assert!(
        label.chars().all(|c| c == 'é'),
        "cut at a character boundary"
    );
    let token = store.create_labeled(user::<H>(3), "").await.must("create");
    assert_eq!(
        ctx.live(&token, "empty label").await.label.as_deref(),
        Some("")
    );
}

async fn persistent_round_trip<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let remember = CreateOptions::new().with_persistent(true);
    let remembered = store
        .create_with(user::<H>(1), remember)
        .await
        .must("create_with");
    let labelled = store
        .create_with(user::<H>(1), remember.with_label("phone"))
        .await
        .must("create_with");
    let forgotten = store
        .create_with(user::<H>(1), CreateOptions::new().with_label("kiosk"))
        .await
        .must("create_with");
    let plain = ctx.create(1).await;
    let inserted = Token::<32>::generate().expect("OS RNG");
    store
        .insert_with(&inserted, user::<H>(1), remember)
        .await
        .must("insert_with");
    let by_insert = Token::<32>::generate().expect("OS RNG");
    store
        .insert(&by_insert, user::<H>(1), Some("old API"))
        .await
        .must("insert");
    let expected = [
        (&remembered, true, None),
        (&labelled, true, Some("phone")),
        (&forgotten, false, Some("kiosk")),
        (&plain, false, None),
        (&inserted, true, None),
        (&by_insert, false, Some("old API")),
    ];
    for (token, persistent, label) in expected {
        let session = ctx.live(token, "created").await;
        assert_eq!(session.persistent, persistent, "{label:?}");
        assert_eq!(session.label.as_deref(), label);
        assert_eq!(session.expires_at, T0 + ABSOLUTE);
        let record = store.backend().inner().get(&token.hash()).await;
        let record = record.map_err(Error::backend).must("get").expect("stored");
        assert_eq!(record.persistent, persistent, "the record, {label:?}");
    }
    // Touched and listed: the flag stays.
    ctx.at(TOUCH);
    assert!(ctx.live(&remembered, "touched").await.persistent);
    assert!(!ctx.live(&plain, "touched").await.persistent);
    let listed = store.list(&user::<H>(1)).await.must("list");
    assert_eq!(listed.len(), expected.len());
    for (token, persistent, _) in expected {
        let session = listed
            .iter()
            .find(|s| s.handle == handle_of(token))
            .expect("listed");
        assert_eq!(session.persistent, persistent);
    }
    // A refused insert changes nothing, the flag included.
    let again = store
        .insert_with(&plain, user::<H>(1), remember)
        .await
        .map_err(|e| e.kind());
    assert_eq!(again, Err(ErrorKind::AlreadyExists));
    assert!(
        !ctx.live(&plain, "after the refused insert")
            .await
            .persistent
    );
}

async fn rotate_keeps_persistence<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let remember = CreateOptions::new().with_persistent(true);
    let remembered = store
        .create_with(user::<H>(1), remember.with_label("laptop"))
        .await
        .must("create_with");
    let forgotten = ctx.create(1).await;
    ctx.at(100);
    let remembered = store
        .rotate(&remembered)
        .await
        .must("rotate")
        .expect("live");
    let forgotten = store.rotate(&forgotten).await.must("rotate").expect("live");
    ctx.at(200);
    let remembered = store
        .rotate(&remembered)
        .await
        .must("rotate")
        .expect("live");
    let session = ctx.live(&remembered, "rotated twice").await;
    assert!(session.persistent, "rotation keeps a persistent cookie");
    assert_eq!(session.label.as_deref(), Some("laptop"));
    assert_eq!(session.expires_at, T0 + ABSOLUTE);
    let session = ctx.live(&forgotten, "rotated").await;
    assert!(
        !session.persistent,
        "rotation keeps a browser-session cookie"
    );
    let record = store.backend().inner().get(&remembered.hash()).await;
    let record = record.map_err(Error::backend).must("get").expect("stored");
    assert!(record.persistent);
}

async fn persistent_max_age<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let secs = |s: i64| CookieLifetime::Persistent(Duration::from_secs(s.unsigned_abs()));
    // At login, from the policy: the whole absolute lifetime.
    assert_eq!(store.policy().cookie_lifetime(true), secs(ABSOLUTE));
    assert_eq!(
        store.policy().cookie_lifetime(false),
        CookieLifetime::BrowserSession
    );
    let remember = CreateOptions::new().with_persistent(true);
    let mut token = store
        .create_with(user::<H>(1), remember)
        .await
        .must("create_with");
    let plain = ctx.create(1).await;
    // A template Max-Age of 30 minutes caps the cookie; the default proxy caps at 400 days.
    let capped = CookieProxy::<32>::new(
        Cookie::build(("__Host-id", ""))
            .path("/")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(session_cookie::cookie::time::Duration::seconds(1800))
            .build(),
    )
    .expect("a valid template");
    let uncapped = CookieProxy::<32>::default();
    let max_age = |proxy: &CookieProxy, token: &Token, lifetime| {
        let value = proxy.refresh_value_with(token, lifetime);
        let value = value.as_str();
        assert!(
            value.contains(token.encode().as_str()),
            "the token is written"
        );
        value
            .split("; ")
            .find_map(|a| a.strip_prefix("Max-Age="))
            .map(|n| n.parse::<i64>().expect("Max-Age digits"))
    };
    // Active every 5 minutes (within the idle timeout) to one second before the deadline,
    // rotated halfway: the cookie's Max-Age counts down to the absolute deadline, never past.
    let steps = (0..ABSOLUTE)
        .step_by(300)
        .chain([ABSOLUTE - 1800, ABSOLUTE - 1799, ABSOLUTE - 1]);
    let mut steps: Vec<i64> = steps.collect();
    steps.sort_unstable();
    steps.dedup();
    for t in steps {
        ctx.at(t);
        if t == 1800 {
            token = store.rotate(&token).await.must("rotate").expect("live");
        }
        let session = ctx.live(&token, &format!("at +{t}")).await;
        let left = ABSOLUTE - t;
        let lifetime = session.cookie_lifetime(store.now());
        assert_eq!(lifetime, secs(left), "at +{t}");
        assert_eq!(
            max_age(&capped, &token, lifetime),
            Some(left.min(1800)),
            "capped proxy at +{t}"
        );
        assert_eq!(
            max_age(&uncapped, &token, lifetime),
            Some(left),
            "default proxy at +{t}"
        );
        // The browser-session one never gets a Max-Age, whatever the template says.
        let session = ctx.live(&plain, &format!("plain at +{t}")).await;
        let lifetime = session.cookie_lifetime(store.now());
        assert_eq!(lifetime, CookieLifetime::BrowserSession);
        assert_eq!(max_age(&capped, &plain, lifetime), None);
    }
    // At the deadline the session is gone; a cookie refreshed from a stale copy ends.
    let stale = ctx.live(&token, "one second left").await;
    ctx.at(ABSOLUTE);
    assert_eq!(stale.cookie_lifetime(store.now()), secs(0));
    let value = uncapped.refresh_value_with(&token, stale.cookie_lifetime(store.now()));
    assert_eq!(value.as_str(), uncapped.end_value().as_str());
    ctx.at(ABSOLUTE + 10);
    assert_eq!(
        stale.cookie_lifetime(store.now()),
        secs(0),
        "never negative"
    );
    ctx.gone(&token, "at the absolute deadline").await;
}

async fn revoke_by_handle<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let a = ctx.create(1).await;
    let b = ctx.create(1).await;
    let theirs = ctx.create(2).await;
    let text = handle_of(&a).to_string();
    let parsed: Handle = text.parse().expect("a handle's own text parses");
    assert!(
        !store
            .revoke_handle(&user::<H>(2), &parsed)
            .await
            .must("revoke_handle"),
        "another user's handle is refused"
    );
    ctx.live(&a, "after another user tried its handle").await;
    assert!(
        !store
            .revoke_handle(&user::<H>(1), &handle_of(&theirs))
            .await
            .must("revoke_handle"),
        "a handle of another user's session is refused"
    );
    ctx.live(&theirs, "after user 1 tried its handle").await;
    assert!(
        store
            .revoke_handle(&user::<H>(1), &parsed)
            .await
            .must("revoke_handle")
    );
    ctx.gone(&a, "revoked by handle").await;
    ctx.live(&b, "the user's other session").await;
    assert!(
        !store
            .revoke_handle(&user::<H>(1), &parsed)
            .await
            .must("revoke_handle")
    );
    let unknown = Handle::from_key(&[0x5a; 32]);
    assert!(
        !store
            .revoke_handle(&user::<H>(1), &unknown)
            .await
            .must("revoke_handle")
    );
}

async fn purge<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let store = &ctx.store;
    let idle = ctx.create(1).await;
    let old = ctx.create(1).await;
    ctx.at(1);
    let edge = ctx.create(2).await;
    ctx.at(IDLE - 100);
    ctx.live(&old, "kept active").await;
    ctx.at(IDLE);
    let fresh = ctx.create(3).await;
    assert_eq!(
        store.purge_expired().await.must("purge"),
        1,
        "only the idle one"
    );
    assert!(!ctx.stored(&idle).await);
    for token in [&old, &edge, &fresh] {
        assert!(ctx.stored(token).await, "purge kept a live session");
    }
    ctx.live(&edge, "one second left").await;
    // `old` stays active until its absolute lifetime; the rest idle out meanwhile.
    for t in (1000..ABSOLUTE).step_by(500) {
        ctx.at(t);
        ctx.live(&old, "kept active").await;
    }
    ctx.at(ABSOLUTE - 1);
    let young = ctx.create(4).await;
    let before = ctx.live(&young, "young").await;
    ctx.at(ABSOLUTE);
    assert_eq!(
        store.purge_expired().await.must("purge"),
        3,
        "old, edge, fresh"
    );
    for token in [&old, &edge, &fresh] {
        assert!(!ctx.stored(token).await);
    }
    let after = ctx.live(&young, "purge kept the live one").await;
    assert_eq!(after.created_at, before.created_at);
    assert_eq!(store.purge_expired().await.must("purge"), 0);
}

async fn concurrent_creates<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let mut tasks = JoinSet::new();
    for i in 0..64_u32 {
        let store = ctx.store.clone();
        tasks.spawn(async move {
            let owner = i % 2 + 1;
            let token = store.create(Uid::<H>::nth(owner)).await.must("create");
            (owner, token)
        });
    }
    let created: Vec<(u32, Token)> = tasks.join_all().await;
    let keys: HashSet<[u8; 32]> = created.iter().map(|(_, t)| t.hash()).collect();
    assert_eq!(keys.len(), created.len(), "64 distinct sessions");
    for (owner, token) in &created {
        let session = ctx.live(token, "created concurrently").await;
        assert_eq!(session.user_id, user::<H>(*owner));
    }
    assert_eq!(ctx.handles(1).await.len(), 32);
    assert_eq!(ctx.handles(2).await.len(), 32);
}

async fn concurrent_inserts<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let bytes = *Token::<32>::generate().expect("OS RNG").as_bytes();
    let mut tasks = JoinSet::new();
    for i in 1..=8_u32 {
        let store = ctx.store.clone();
        tasks.spawn(async move {
            let token = Token::<32>::from_bytes(bytes);
            let outcome = store.insert(&token, Uid::<H>::nth(i), None).await;
            (i, outcome.map_err(|e| e.kind()))
        });
    }
    let outcomes = tasks.join_all().await;
    let winners: Vec<u32> = outcomes
        .iter()
        .filter(|(_, outcome)| outcome.is_ok())
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one insert wins: {outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|(_, o)| o.is_ok() || *o == Err(ErrorKind::AlreadyExists)),
        "{outcomes:?}"
    );
    let token = Token::<32>::from_bytes(bytes);
    let session = ctx.live(&token, "the winner's").await;
    assert_eq!(session.user_id, user::<H>(winners[0]));
}

async fn revoke_all_races_loads<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let mut victims = Vec::new();
    for _ in 0..20 {
        victims.push(ctx.create(1).await);
    }
    let bystander = ctx.create(2).await;
    // Touches are due during the race: loads write while the revocation deletes.
    ctx.at(TOUCH);
    let victims = Arc::new(victims);
    let stop = Arc::new(AtomicBool::new(false));
    // Every loader has seen every session live once before the revocation starts.
    let ready = Arc::new(Barrier::new(5));
    let mut loaders = JoinSet::new();
    for _ in 0..4 {
        let store = ctx.store.clone();
        let (victims, stop, ready) = (Arc::clone(&victims), Arc::clone(&stop), Arc::clone(&ready));
        loaders.spawn(async move {
            let mut seen_gone = vec![false; victims.len()];
            let (mut live, mut gone) = (0_u32, 0_u32);
            let mut first = true;
            loop {
                let after_revocation = stop.load(Ordering::SeqCst);
                for (i, token) in victims.iter().enumerate() {
                    match store.load(token).await.must("load during the race") {
                        Some(session) => {
                            assert!(!seen_gone[i], "a revoked session came back");
                            assert!(!after_revocation, "live after the revocation returned");
                            assert_eq!(session.user_id, Uid::<H>::nth(1));
                            assert_eq!(session.handle, handle_of(token));
                            assert_eq!(session.created_at, T0);
                            assert_eq!(session.expires_at, T0 + ABSOLUTE);
                            assert!([T0, T0 + TOUCH].contains(&session.last_seen_at));
                            live += 1;
                        }
                        None => {
                            assert!(!first, "gone before the revocation");
                            seen_gone[i] = true;
                            gone += 1;
                        }
                    }
                }
                if first {
                    first = false;
                    ready.wait().await;
                }
                if after_revocation {
                    return (live, gone);
                }
                tokio::task::yield_now().await;
            }
        });
    }
    ready.wait().await;
    let revoked = ctx
        .store
        .revoke_user(&user::<H>(1))
        .await
        .must("revoke_user");
    stop.store(true, Ordering::SeqCst);
    let tallies = loaders.join_all().await;
    assert_eq!(
        revoked, 20,
        "every session revoked, none recreated by a touch"
    );
    for token in victims.iter() {
        ctx.gone(token, "after the revocation").await;
        assert!(!ctx.stored(token).await);
    }
    ctx.live(&bystander, "another user's, untouched").await;
    println!("    loads during the race (live, gone) per loader: {tallies:?}");
}

async fn many_sessions<H: Harness>(h: Arc<H>) {
    let ctx = Ctx::new(&*h).await;
    let mut tasks = JoinSet::new();
    let workers = 16;
    for _ in 0..workers {
        let store = ctx.store.clone();
        tasks.spawn(async move {
            for _ in 0..MANY / workers {
                store.create(Uid::<H>::nth(1)).await.must("create");
            }
        });
    }
    tasks.join_all().await;
    let started = Instant::now();
    let listed = ctx.store.list(&user::<H>(1)).await.must("list");
    let list_time = started.elapsed();
    assert_eq!(listed.len(), MANY);
    assert!(
        list_time <= LIST_BUDGET,
        "listing {MANY} took {list_time:?}"
    );
    ctx.at(IDLE);
    let survivor = ctx.create(1).await;
    let started = Instant::now();
    let purged = ctx.store.purge_expired().await.must("purge");
    let purge_time = started.elapsed();
    assert_eq!(purged, MANY as u64);
    assert!(
        purge_time <= PURGE_BUDGET,
        "purging {MANY} took {purge_time:?}"
    );
    assert_eq!(ctx.handles(1).await, vec![handle_of(&survivor)]);
    println!("    {MANY} sessions: listed in {list_time:?}, purged in {purge_time:?}");
}

/// Every operation fails with a backend error while the backend is down (no panic, no hang),
/// and the store works again when it is back. `outage`: a real one of the harness, or
/// `None` for one injected in front of the backend.
pub(crate) async fn backend_down<H: Harness>(h: Arc<H>, outage: Option<Outage>) {
    let mut ctx = Ctx::new(&*h).await;
    let before = ctx.create(1).await;
    let handle = handle_of(&before);
    match outage {
        Some(outage) => h.begin_outage(outage, ctx.store.backend().inner()).await,
        None => ctx.store.backend().set_down(true),
    }
    let store = ctx.store.clone();
    let any = Token::<32>::generate().expect("OS RNG");
    let u = user::<H>(1);
    expect_down("create", store.create(u.clone())).await;
    expect_down("create_labeled", store.create_labeled(u.clone(), "x")).await;
    expect_down("insert", store.insert(&any, u.clone(), None)).await;
    expect_down("load", store.load(&before)).await;
    expect_down("Loader::load", Loader::load(&store, &before)).await;
    expect_down("touch", store.touch(&before, 0)).await;
    expect_down("rotate", store.rotate(&before)).await;
    expect_down("revoke", store.revoke(&any)).await;
    expect_down("revoke_user", store.revoke_user(&user::<H>(9))).await;
    expect_down("revoke_others", store.revoke_others(&before)).await;
    expect_down("list", store.list(&u)).await;
    expect_down("revoke_handle", store.revoke_handle(&user::<H>(9), &handle)).await;
    expect_down("purge_expired", store.purge_expired()).await;
    drop(store);
    match outage {
        Some(outage) => {
            if let Some(back) = h.end_outage(outage, ctx.store.backend().inner()).await {
                ctx.store =
                    Store::new(Counted::new(back), standard_policy()).with_clock(ctx.clock.clone());
            }
        }
        None => ctx.store.backend().set_down(false),
    }
    // Back: the session from before is there, and everything works.
    let session = recover("load after the outage", || ctx.store.load(&before)).await;
    assert_eq!(session.map(|s| s.user_id), Some(user::<H>(1)));
    let after = ctx.create(1).await;
    assert_eq!(ctx.handles(1).await.len(), 2);
    assert!(ctx.store.revoke(&after).await.must("revoke"));
}

/// The operation fails with [`ErrorKind::Backend`], with a cause, within [`DOWN_BUDGET`].
async fn expect_down<T: Debug>(what: &str, op: impl Future<Output = Result<T, Error>>) {
    let outcome = tokio::time::timeout(DOWN_BUDGET, op)
        .await
        .unwrap_or_else(|_| panic!("{what} hung while the backend was down"));
    match outcome {
        Ok(value) => panic!("{what} succeeded while the backend was down: {value:?}"),
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::Backend, "{what}: {}", chain(&err));
            assert_eq!(err.to_string(), "session store: the backend failed");
            assert!(err.source().is_some(), "{what}: the cause is kept");
        }
    }
}

/// Retries `op` for a few seconds: a pool may need a moment to replace broken connections.
async fn recover<T, F>(what: &str, mut op: impl FnMut() -> F) -> T
where
    F: Future<Output = Result<T, Error>>,
{
    let deadline = Instant::now() + DOWN_BUDGET;
    loop {
        match op().await {
            Ok(value) => return value,
            Err(err) if Instant::now() < deadline => {
                eprintln!("    {what}: not yet ({}); retrying", chain(&err));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(err) => panic!("{what}: the store did not recover: {}", chain(&err)),
        }
    }
}
