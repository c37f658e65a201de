//! The example sites' log: one line per event on stderr, filtered by `RUST_LOG`.

use std::time::Instant;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// The filter when `RUST_LOG` is unset or empty: everything at INFO and above. That includes
/// a failed session loader (ERROR, target `sessionkit`, with its error chain), a failed
/// store call (ERROR), startup and shutdown.
///
/// `RUST_LOG` takes comma-separated `target=level` directives and a bare default level
/// (`tracing_subscriber::filter::Targets`), such as:
///
/// * `RUST_LOG=info,access=debug`: one line per request ([`RequestLine`]);
/// * `RUST_LOG=info,access=debug,sessionkit=debug`: also why a session was rejected (no
///   session, a cross-origin request refused), never with the token.
pub const DEFAULT_LOG_FILTER: &str = "info";

/// The target of the one line per request ([`RequestLine`]).
pub const ACCESS_TARGET: &str = "access";

/// Sends the process's log to stderr, one line per event, filtered by `RUST_LOG`
/// ([`DEFAULT_LOG_FILTER`] without it): `tracing` events (the adapters' under the target
/// `sessionkit`, the sites' own) and `log` records (actix-web, session-actix). A `RUST_LOG`
/// that does not parse is reported on stderr and the default is used. Does nothing if the
/// process already has a log (a second call).
///
/// [`run_main`](crate::run_main) calls it before it runs the site.
///
/// # Examples
///
/// ```
/// example_common::init_logging("my-site");
/// tracing::info!("shown on stderr");
/// tracing::debug!("shown with RUST_LOG=debug");
/// ```
pub fn init_logging(package: &str) {
    let spec = std::env::var("RUST_LOG").unwrap_or_default();
    let filter = if spec.trim().is_empty() {
        default_filter()
    } else {
        spec.parse::<Targets>().unwrap_or_else(|err| {
            eprintln!("{package}: RUST_LOG={spec:?} ignored ({err}); using {DEFAULT_LOG_FILTER:?}");
            default_filter()
        })
    };
    let _already_set = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .try_init();
}

fn default_filter() -> Targets {
    DEFAULT_LOG_FILTER
        .parse()
        .unwrap_or_else(|_| Targets::new().with_default(tracing::Level::INFO))
}

/// The one line per request, at DEBUG under [`ACCESS_TARGET`]: method, path (without the
/// query), status and time taken, as `DEBUG access: request method=POST path=/login
/// status=303 elapsed=24.1ms`. Never a header: no cookie, no token.
///
/// A site's outermost middleware [`start`](Self::start)s it with the request and
/// [`finish`](Self::finish)es it with the response's status.
///
/// # Examples
///
/// ```
/// use example_common::RequestLine;
///
/// let line = RequestLine::start("GET", "/me");
/// // ... the request is answered ...
/// line.finish(200);
/// ```
#[derive(Debug)]
#[must_use = "the line is written by `finish`"]
pub struct RequestLine(Option<(String, String, Instant)>);

impl RequestLine {
    /// Starts the line for a request. When the line is off (`RUST_LOG` does not enable DEBUG
    /// for [`ACCESS_TARGET`]) nothing is kept and nothing is allocated.
    pub fn start(method: &str, path: &str) -> Self {
        let on = tracing::enabled!(target: ACCESS_TARGET, tracing::Level::DEBUG);
        Self(on.then(|| (method.to_owned(), path.to_owned(), Instant::now())))
    }

    /// Writes the line, with the response's `status` and the time since [`start`](Self::start).
    pub fn finish(self, status: u16) {
        if let Some((method, path, started)) = self.0 {
            let elapsed = started.elapsed();
            tracing::debug!(target: ACCESS_TARGET, %method, %path, status, ?elapsed, "request");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_filter_parses() {
        let filter: Targets = DEFAULT_LOG_FILTER.parse().unwrap();
        assert!(filter.would_enable("sessionkit", &tracing::Level::ERROR));
        assert!(filter.would_enable("example_axum", &tracing::Level::INFO));
        assert!(!filter.would_enable(ACCESS_TARGET, &tracing::Level::DEBUG));
    }

    #[test]
    fn documented_filters_parse() {
        let filter: Targets = "info,access=debug,sessionkit=debug".parse().unwrap();
        assert!(filter.would_enable(ACCESS_TARGET, &tracing::Level::DEBUG));
        assert!(filter.would_enable("sessionkit", &tracing::Level::DEBUG));
        assert!(!filter.would_enable("example_axum", &tracing::Level::DEBUG));
    }
}
