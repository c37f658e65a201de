//! The request's one loader call, shared by futures that are polled and dropped in any
//! order: whoever is polled drives it, and dropping the driver hands it to the others.

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use actix_web::test::TestRequest;
use session_actix::{CookieProxy, Loader, Sessions, Token};

/// A store that answers only once `open` is set, and counts its calls.
#[derive(Clone, Default)]
struct Gate {
    open: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
    calls: Arc<AtomicUsize>,
}

impl Loader for Gate {
    type User = String;
    type Error = Infallible;

    fn load(&self, _: &Token) -> impl Future<Output = Result<Option<String>, Infallible>> + Send {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let gate = self.clone();
        std::future::poll_fn(move |cx| {
            if gate.open.load(Ordering::SeqCst) {
                Poll::Ready(Ok(Some("ada".to_owned())))
            } else {
                *gate.waker.lock().expect("not poisoned") = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_driver_hands_the_call_over() {
    let gate = Gate::default();
    let sessions: Sessions<String> = Sessions::new(CookieProxy::default(), gate.clone());
    let token = Token::<32>::from_bytes([3; 32]);
    let req = TestRequest::default()
        .insert_header(("cookie", format!("__Host-id={}", token.encode().as_str())))
        .to_http_request();

    let mut a = pin!(sessions.user(&req));
    let b = sessions.user(&req);
    let (wa, wb) = (Arc::new(Count::default()), Arc::new(Count::default()));
    let (waker_a, waker_b) = (Waker::from(wa.clone()), Waker::from(wb.clone()));

    assert!(
        a.as_mut()
            .poll(&mut Context::from_waker(&waker_a))
            .is_pending()
    );
    {
        let mut b = pin!(b);
        // `b` drives now: the loader's future holds `b`'s waker, not `a`'s.
        assert!(
            b.as_mut()
                .poll(&mut Context::from_waker(&waker_b))
                .is_pending()
        );
    }
    assert_eq!(wa.0.load(Ordering::SeqCst), 1, "dropping `b` wakes `a`");

    gate.open.store(true, Ordering::SeqCst);
    let user = match a.as_mut().poll(&mut Context::from_waker(&waker_a)) {
        Poll::Ready(user) => user.unwrap(),
        Poll::Pending => panic!("`a` drives the call to its end"),
    };
    assert_eq!(user.as_deref(), Some("ada"));
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);

    // A late extractor reads the answer.
    let late = pin!(sessions.user(&req)).poll(&mut Context::from_waker(Waker::noop()));
    assert!(matches!(late, Poll::Ready(Ok(Some(ref name))) if name == "ada"));
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn the_finisher_wakes_the_others() {
    let gate = Gate::default();
    let sessions: Sessions<String> = Sessions::new(CookieProxy::default(), gate.clone());
    let token = Token::<32>::from_bytes([4; 32]);
    let req = TestRequest::default()
        .insert_header(("cookie", format!("__Host-id={}", token.encode().as_str())))
        .to_http_request();

    let mut a = pin!(sessions.user(&req));
    let mut b = pin!(sessions.user(&req));
    let (wa, wb) = (Arc::new(Count::default()), Arc::new(Count::default()));
    let (waker_a, waker_b) = (Waker::from(wa.clone()), Waker::from(wb.clone()));
    assert!(
        a.as_mut()
            .poll(&mut Context::from_waker(&waker_a))
            .is_pending()
    );
    assert!(
        b.as_mut()
            .poll(&mut Context::from_waker(&waker_b))
            .is_pending()
    );

    gate.open.store(true, Ordering::SeqCst);
    if let Some(waker) = gate.waker.lock().expect("not poisoned").take() {
        waker.wake();
    }
    assert_eq!(
        wb.0.load(Ordering::SeqCst),
        1,
        "the loader wakes its last poller"
    );
    assert!(
        b.as_mut()
            .poll(&mut Context::from_waker(&waker_b))
            .is_ready()
    );
    assert_eq!(wa.0.load(Ordering::SeqCst), 1, "finishing wakes the others");
    assert!(
        a.as_mut()
            .poll(&mut Context::from_waker(&waker_a))
            .is_ready()
    );
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);
}
