//! The example apps' command line, without a parser crate.

use std::ffi::OsString;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::{Database, LoginLimits, SessionConfig};

/// The database file the example apps use unless `--db` says otherwise (in the working
/// directory).
pub const DEFAULT_DB: &str = "sessionkit-example.db";

/// The usage line, printed with every [`ArgsError`].
const USAGE: &str = "usage: [--db PATH | --postgres URL] [--addr IP:PORT] \
                     [--absolute-lifetime SECS] [--idle-timeout SECS] [--login-window SECS] \
                     [--insecure-dev-cookies] [--help]";

/// The example apps' settings, from [`parse_args`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// `--db PATH` (a SQLite file) or `--postgres URL` (a PostgreSQL database): where the
    /// users and sessions live. Default: the SQLite file [`DEFAULT_DB`].
    pub database: Database,
    /// `--addr IP:PORT`: where to listen. Default: chosen by each app.
    pub addr: SocketAddr,
    /// `--absolute-lifetime SECS` and `--idle-timeout SECS` over [`SessionConfig::default()`].
    pub session: SessionConfig,
    /// `--login-window SECS`: the login throttle's bursts (10 attempts per user name, 30 per
    /// client address) refill over SECS ([`LoginLimits::refilled_over`]). Default:
    /// [`LoginLimits::default()`], a minute.
    pub logins: LoginLimits,
    /// `--insecure-dev-cookies`: the library's development cookie (`id`, no Secure) instead
    /// of its secure defaults, for plain http in local development (see
    /// [`cookie_proxy`](crate::cookie_proxy)). Default: off, whatever the address.
    pub insecure_dev_cookies: bool,
}

/// A command line [`parse_args`] refused. `Display` ends with the usage line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgsError {
    /// `--help` or `-h`: print the error (the usage line) and exit successfully.
    Help,
    /// A flag this program does not know.
    UnknownFlag(String),
    /// A flag given without its value.
    MissingValue(&'static str),
    /// A value that does not parse (not an address, not a positive number of seconds).
    InvalidValue {
        /// The flag.
        flag: &'static str,
        /// What was given, lossily converted to UTF-8.
        value: String,
    },
}

impl ArgsError {
    /// This error as `main` reports it, with `usage` as the usage line: for a program whose
    /// flags differ from [`parse_args`]'s (the Redis example takes `--redis URL`, not
    /// `--db PATH`). `EarlyExit::from` uses this crate's usage line.
    ///
    /// # Examples
    ///
    /// ```
    /// use example_common::{ArgsError, EarlyExit};
    ///
    /// let usage = "usage: [--redis URL] [--help]";
    /// assert_eq!(ArgsError::Help.with_usage(usage), EarlyExit::Help(usage.into()));
    /// assert_eq!(
    ///     ArgsError::MissingValue("--addr").with_usage(usage),
    ///     EarlyExit::Invalid(format!("--addr needs a value\n{usage}")),
    /// );
    /// ```
    #[must_use]
    pub fn with_usage(&self, usage: &str) -> EarlyExit {
        match self.reason() {
            None => EarlyExit::Help(usage.to_owned()),
            Some(reason) => EarlyExit::Invalid(format!("{reason}\n{usage}")),
        }
    }

    /// What was wrong; `None` for [`Help`](Self::Help).
    fn reason(&self) -> Option<String> {
        match self {
            Self::Help => None,
            Self::UnknownFlag(flag) => Some(format!("unknown argument {flag:?}")),
            Self::MissingValue(flag) => Some(format!("{flag} needs a value")),
            Self::InvalidValue { flag, value } => {
                Some(format!("invalid value {value:?} for {flag}"))
            }
        }
    }
}

impl fmt::Display for ArgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason() {
            None => f.write_str(USAGE),
            Some(reason) => write!(f, "{reason}\n{USAGE}"),
        }
    }
}

impl std::error::Error for ArgsError {}

/// A command line that ends the program before it runs: what [`run_main`](crate::run_main)
/// does instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EarlyExit {
    /// `--help`: print this (the usage line) on stdout and exit successfully.
    Help(String),
    /// A command line the program refuses: print this (the reason, then the usage line) on
    /// stderr after `<package>: ` and exit with status 2.
    Invalid(String),
}

impl From<ArgsError> for EarlyExit {
    /// With the usage line of [`parse_args`] (the SQLite sites' flags).
    fn from(err: ArgsError) -> Self {
        err.with_usage(USAGE)
    }
}

/// Parses the example apps' flags; `args` excludes the program name.
///
/// Flags: `--db PATH` or `--postgres URL` (the last one wins), `--addr IP:PORT` (default
/// `default_addr`), `--absolute-lifetime SECS`
/// and `--idle-timeout SECS`, `--login-window SECS` (positive whole seconds),
/// `--insecure-dev-cookies`, `--help`.
/// Each flag with a value also accepts `--flag=VALUE` (UTF-8 only: give a non-UTF-8 path as
/// `--db PATH`); a later flag overrides an earlier one. Never panics, also not on non-UTF-8
/// input (use `std::env::args_os`).
///
/// # Errors
///
/// An [`ArgsError`] for `--help`, an unknown flag, a missing value or an invalid value.
///
/// # Examples
///
/// ```
/// use std::net::SocketAddr;
/// use std::time::Duration;
/// use example_common::{ArgsError, Database, parse_args};
///
/// # fn main() -> Result<(), ArgsError> {
/// let default_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
/// // In an app: parse_args(std::env::args_os().skip(1), default_addr)
/// let args = parse_args(["--idle-timeout", "600", "--db=/tmp/site.db"], default_addr)?;
/// assert_eq!(args.addr, default_addr);
/// assert_eq!(args.database, Database::Sqlite("/tmp/site.db".into()));
/// assert_eq!(args.session.idle_timeout, Duration::from_secs(600));
///
/// assert!(matches!(parse_args(["--port", "1"], default_addr), Err(ArgsError::UnknownFlag(_))));
/// # Ok(()) }
/// ```
pub fn parse_args<I, S>(args: I, default_addr: SocketAddr) -> Result<Args, ArgsError>
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let mut parsed = Args {
        database: Database::Sqlite(PathBuf::from(DEFAULT_DB)),
        addr: default_addr,
        session: SessionConfig::default(),
        logins: LoginLimits::default(),
        insecure_dev_cookies: false,
    };
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        // `--flag=VALUE` needs UTF-8; a non-UTF-8 path goes as `--db PATH`.
        let (name, inline) = match arg.to_str() {
            Some(text) => match text.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    (name.to_owned(), Some(OsString::from(value)))
                }
                _ => (text.to_owned(), None),
            },
            None => (arg.to_string_lossy().into_owned(), None),
        };
        let flag: &'static str = match name.as_str() {
            "-h" | "--help" if inline.is_none() => return Err(ArgsError::Help),
            crate::INSECURE_DEV_COOKIES if inline.is_none() => {
                parsed.insecure_dev_cookies = true;
                continue;
            }
            "--db" => "--db",
            "--postgres" => "--postgres",
            "--addr" => "--addr",
            "--absolute-lifetime" => "--absolute-lifetime",
            "--idle-timeout" => "--idle-timeout",
            "--login-window" => "--login-window",
            _ => return Err(ArgsError::UnknownFlag(name)),
        };
        let value = inline
            .or_else(|| args.next())
            .ok_or(ArgsError::MissingValue(flag))?;
        let invalid = || ArgsError::InvalidValue {
            flag,
            value: value.to_string_lossy().into_owned(),
        };
        match flag {
            "--db" if !value.is_empty() => {
                parsed.database = Database::Sqlite(PathBuf::from(&value))
            }
            "--postgres" => {
                let url = value
                    .to_str()
                    .filter(|url| !url.is_empty())
                    .ok_or_else(invalid)?;
                parsed.database = Database::Postgres(url.to_owned());
            }
            "--addr" => {
                parsed.addr = value
                    .to_str()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(invalid)?;
            }
            "--absolute-lifetime" => {
                parsed.session.absolute_lifetime = positive_secs(&value).ok_or_else(invalid)?;
            }
            "--idle-timeout" => {
                parsed.session.idle_timeout = positive_secs(&value).ok_or_else(invalid)?;
            }
            "--login-window" => {
                let window = positive_secs(&value).ok_or_else(invalid)?;
                parsed.logins = LoginLimits::default().refilled_over(window);
            }
            _ => return Err(invalid()),
        }
    }
    Ok(parsed)
}

fn positive_secs(value: &OsString) -> Option<Duration> {
    let secs: u64 = value.to_str()?.parse().ok()?;
    (secs > 0).then(|| Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 3000))
    }

    #[test]
    fn defaults() {
        let args = parse_args(Vec::<String>::new(), addr()).unwrap();
        assert_eq!(args.database, Database::Sqlite(PathBuf::from(DEFAULT_DB)));
        assert_eq!(args.addr, addr());
        assert_eq!(args.session, SessionConfig::default());
        assert_eq!(args.logins, LoginLimits::default());
        assert_eq!(
            LoginLimits::default().refilled_over(Duration::from_secs(60)),
            LoginLimits::default()
        );
        assert!(!args.insecure_dev_cookies);
    }

    #[test]
    fn insecure_dev_cookies_is_a_switch_and_the_address_does_not_matter() {
        for addr_flag in ["127.0.0.1:1", "[::1]:1", "0.0.0.0:1"] {
            let args = parse_args(["--addr", addr_flag], addr()).unwrap();
            assert!(!args.insecure_dev_cookies, "{addr_flag}");
            let args = parse_args(["--insecure-dev-cookies", "--addr", addr_flag], addr()).unwrap();
            assert!(args.insecure_dev_cookies, "{addr_flag}");
        }
        // It takes no value; the old flag is gone (secure is the default now).
        for gone in ["--insecure-dev-cookies=yes", "--secure-cookies"] {
            assert!(
                matches!(parse_args([gone], addr()), Err(ArgsError::UnknownFlag(_))),
                "{gone}"
            );
        }
    }

    #[test]
    fn every_flag_both_forms() {
        let args = parse_args(
            [
                "--db",
                "a.db",
                "--addr=0.0.0.0:8080",
                "--absolute-lifetime",
                "3600",
                "--idle-timeout=120",
                "--login-window",
                "86400",
            ],
            addr(),
        )
        .unwrap();
        assert_eq!(args.database, Database::Sqlite(PathBuf::from("a.db")));
        assert_eq!(args.addr, SocketAddr::from(([0, 0, 0, 0], 8080)));
        assert_eq!(args.session.absolute_lifetime, Duration::from_secs(3600));
        assert_eq!(args.session.idle_timeout, Duration::from_secs(120));
        assert_eq!(args.logins.per_account_period, Duration::from_secs(8640));
        assert_eq!(args.logins.per_client_period, Duration::from_secs(2880));
        assert_eq!(
            parse_args(["--login-window=600"], addr()).unwrap().logins,
            LoginLimits::default().refilled_over(Duration::from_secs(600))
        );
        assert_eq!(
            args.session.touch_interval,
            SessionConfig::default().touch_interval
        );

        let args = parse_args(["--db=x=y.db", "--addr", "[::1]:3001"], addr()).unwrap();
        assert_eq!(args.database, Database::Sqlite(PathBuf::from("x=y.db")));
        assert_eq!(args.addr, "[::1]:3001".parse().unwrap());
    }

    #[test]
    fn postgres_or_sqlite_the_last_one_wins() {
        let url = "postgres://app@127.0.0.1/app";
        let args = parse_args(["--postgres", url], addr()).unwrap();
        assert_eq!(args.database, Database::Postgres(url.to_owned()));
        let args = parse_args(["--db", "a.db", &format!("--postgres={url}")], addr()).unwrap();
        assert_eq!(args.database, Database::Postgres(url.to_owned()));
        let args = parse_args(["--postgres", url, "--db", "a.db"], addr()).unwrap();
        assert_eq!(args.database, Database::Sqlite(PathBuf::from("a.db")));
        for bad in [&["--postgres"][..], &["--postgres="]] {
            assert!(parse_args(bad.iter().copied(), addr()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bad_input_is_an_error_with_usage() {
        let cases: [&[&str]; 14] = [
            &["--port", "1"],
            &["serve"],
            &["--db"],
            &["--db="],
            &["--addr", "localhost"],
            &["--addr", "127.0.0.1"],
            &["--absolute-lifetime", "0"],
            &["--absolute-lifetime", "-5"],
            &["--idle-timeout", "1.5"],
            &["--idle-timeout", "99999999999999999999999"],
            &["--idle-timeout"],
            &["--login-window", "0"],
            &["--login-window"],
            &["--help=yes"],
        ];
        for case in cases {
            let err = parse_args(case.iter().copied(), addr()).unwrap_err();
            assert!(err.to_string().ends_with(USAGE), "{case:?}: {err}");
            assert_ne!(err, ArgsError::Help, "{case:?}");
        }
        assert_eq!(
            parse_args(["--db"], addr()),
            Err(ArgsError::MissingValue("--db"))
        );
        assert_eq!(
            parse_args(["--addr", "nope"], addr()),
            Err(ArgsError::InvalidValue {
                flag: "--addr",
                value: "nope".into()
            })
        );
    }

    #[test]
    fn early_exit_keeps_the_usage_line() {
        assert_eq!(
            EarlyExit::from(ArgsError::Help),
            EarlyExit::Help(USAGE.into())
        );
        assert_eq!(
            EarlyExit::from(ArgsError::MissingValue("--db")),
            EarlyExit::Invalid(ArgsError::MissingValue("--db").to_string())
        );
    }

    #[test]
    fn help() {
        assert_eq!(parse_args(["-h"], addr()), Err(ArgsError::Help));
        assert_eq!(
            parse_args(["--db", "a", "--help"], addr()),
            Err(ArgsError::Help)
        );
        assert_eq!(ArgsError::Help.to_string(), USAGE);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_is_not_a_panic() {
        use std::os::unix::ffi::OsStringExt as _;
        let path = OsString::from_vec(b"caf\xe9.db".to_vec());
        let args = parse_args([OsString::from("--db"), path.clone()], addr()).unwrap();
        assert_eq!(args.database, Database::Sqlite(PathBuf::from(path)));
        let flag = OsString::from_vec(b"--d\xe9".to_vec());
        assert!(matches!(
            parse_args([flag], addr()),
            Err(ArgsError::UnknownFlag(_))
        ));
        let bad = OsString::from_vec(b"\xff".to_vec());
        assert!(matches!(
            parse_args([OsString::from("--idle-timeout"), bad], addr()),
            Err(ArgsError::InvalidValue { .. })
        ));
    }
}
