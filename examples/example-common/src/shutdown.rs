//! Graceful shutdown on SIGINT (Ctrl-C) and SIGTERM: the server stops accepting, the
//! requests in flight finish, the process exits with 0.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::oneshot;

/// How long the requests in flight may take to finish after the signal; actix-web's default
/// shutdown timeout. A second signal stops at once.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The signals that stop a site gracefully: SIGINT and SIGTERM (Ctrl-C elsewhere than on
/// Unix). Registered by [`register`](Self::register), before the site serves, so that from
/// then on neither ends the process abruptly.
#[derive(Debug)]
pub struct ShutdownSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    /// Installs the handlers. Needs a tokio runtime with its I/O driver (tokio's, or
    /// actix-web's `System`).
    ///
    /// # Errors
    ///
    /// The operating system refused a signal handler.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let signals = example_common::ShutdownSignals::register()?;
    /// # drop(signals);
    /// # Ok(()) }
    /// ```
    pub fn register() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Waits for the next signal; its name.
    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "SIGINT",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            "Ctrl-C"
        }
    }
}

/// The future a server is given as its shutdown signal (axum's `with_graceful_shutdown`,
/// actix-web's `HttpServer::shutdown_signal`): it completes when [`serve_until_signalled`]
/// has received a signal (or has returned).
#[derive(Debug)]
pub struct ShutdownRequested(oneshot::Receiver<()>);

impl Future for ShutdownRequested {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

/// Runs the server that `serve` returns until SIGINT or SIGTERM, then lets it finish the
/// requests in flight, for at most [`DRAIN_TIMEOUT`] (a second signal ends the wait).
/// `serve` gets the [`ShutdownRequested`] future to hand to the server as its graceful
/// shutdown signal: on it the server stops accepting, finishes what it has, and returns.
///
/// Logs the signal, and the end of the wait, at INFO (WARN when requests were left
/// unfinished).
///
/// # Errors
///
/// The server's own error.
///
/// # Examples
///
/// With axum: `serve_until_signalled(signals, |shutdown|
/// axum::serve(listener, app).with_graceful_shutdown(shutdown).into_future())`. A stand-in
/// server that only waits to be stopped:
///
/// ```no_run
/// use example_common::{ShutdownSignals, serve_until_signalled};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let signals = ShutdownSignals::register()?;
/// serve_until_signalled(signals, |shutdown| async move {
///     shutdown.await; // a server would stop accepting here, and finish its requests
///     Ok::<(), std::io::Error>(())
/// })
/// .await
/// # }
/// ```
pub async fn serve_until_signalled<S, F, E>(mut signals: ShutdownSignals, serve: S) -> Result<(), E>
where
    S: FnOnce(ShutdownRequested) -> F,
    F: Future<Output = Result<(), E>>,
{
    let (request_shutdown, requested) = oneshot::channel();
    let server = serve(ShutdownRequested(requested));
    let mut server = std::pin::pin!(server);
    let signal = tokio::select! {
        result = &mut server => return result,
        signal = signals.recv() => signal,
    };
    tracing::info!(
        signal,
        "shutting down: no new connections; waiting for the requests in flight (at most \
         {DRAIN_TIMEOUT:?})"
    );
    let _ = request_shutdown.send(());
    let unfinished = tokio::select! {
        result = &mut server => {
            tracing::info!("stopped: every request finished");
            return result;
        }
        () = tokio::time::sleep(DRAIN_TIMEOUT) => format!("after {DRAIN_TIMEOUT:?}"),
        signal = signals.recv() => format!("on a second signal ({signal})"),
    };
    tracing::warn!("stopped {unfinished}, with requests still in flight");
    Ok(())
}
