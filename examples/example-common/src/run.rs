//! What every example binary's `main` does around its site: read the command line, run,
//! turn the outcome into an exit code, and announce where it listens.

use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;

use crate::EarlyExit;

/// The whole `main` of an example binary, given its parsed command line and what it runs.
///
/// * `args` is the parsed command line, or an [`EarlyExit`] (an
///   [`ArgsError`](crate::ArgsError) converts): `--help` prints the usage line and exits
///   with 0; a refused command line prints `<package>: <reason>` and the usage line on stderr
///   and exits with 2.
/// * Otherwise the log starts ([`init_logging`](crate::init_logging): stderr, `RUST_LOG`)
///   and `run(args)` runs; an error prints `<package>: <error>` on stderr and exits with 1.
///   `run` builds its own runtime ([`block_on_tokio`], or actix-web's `System`).
///
/// # Examples
///
/// ```no_run
/// use std::net::SocketAddr;
/// use std::process::ExitCode;
/// use example_common::Args;
///
/// async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
///     println!("would listen on {}", args.addr);
///     Ok(())
/// }
///
/// fn main() -> ExitCode {
///     let args = example_common::parse_args(
///         std::env::args_os().skip(1),
///         SocketAddr::from(([127, 0, 0, 1], 3000)),
///     );
///     example_common::run_main("my-site", args, |args| {
///         example_common::block_on_tokio(serve(args))
///     })
/// }
/// ```
pub fn run_main<A, E>(
    package: &str,
    args: Result<A, E>,
    run: impl FnOnce(A) -> Result<(), Box<dyn Error>>,
) -> ExitCode
where
    E: Into<EarlyExit>,
{
    let args = match args.map_err(Into::into) {
        Ok(args) => args,
        Err(EarlyExit::Help(usage)) => {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(EarlyExit::Invalid(reason)) => {
            eprintln!("{package}: {reason}");
            return ExitCode::from(2);
        }
    };
    crate::init_logging(package);
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{package}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `future` on a new multi-threaded tokio runtime, as `#[tokio::main]` does.
///
/// # Errors
///
/// `cannot start the runtime: ...`, or the future's own error.
pub fn block_on_tokio<F>(future: F) -> Result<(), Box<dyn Error>>
where
    F: Future<Output = Result<(), Box<dyn Error>>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the runtime: {err}"))?;
    runtime.block_on(future)
}

/// Prints the lines a site prints once it listens: `<package>: <about_store>` (such as
/// `database site.db`), `<package>: sign in as demo / demo` and `<package>: listening on
/// http://ADDR`, where `addr` is the bound address (with port 0, the real port). The
/// end-to-end tests wait for the last line.
pub fn announce(package: &str, about_store: &str, addr: SocketAddr) {
    println!("{package}: {about_store}");
    println!("{package}: sign in as demo / demo");
    println!("{package}: listening on http://{addr}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ArgsError;

    #[test]
    fn exit_codes() {
        let ok: Result<(), EarlyExit> = Ok(());
        assert_eq!(run_main("t", ok.clone(), |()| Ok(())), ExitCode::SUCCESS);
        assert_eq!(
            run_main("t", ok, |()| Err("failed".into())),
            ExitCode::FAILURE
        );
        let help: Result<(), _> = Err(ArgsError::Help);
        assert_eq!(run_main("t", help, |()| Ok(())), ExitCode::SUCCESS);
        let bad: Result<(), _> = Err(ArgsError::UnknownFlag("--x".into()));
        assert_eq!(
            run_main("t", bad, |()| panic!("must not run")),
            ExitCode::from(2)
        );
    }

    #[test]
    fn block_on_tokio_returns_the_futures_result() {
        assert!(block_on_tokio(async { Ok(()) }).is_ok());
        let err = block_on_tokio(async { Err("failed".into()) }).unwrap_err();
        assert_eq!(err.to_string(), "failed");
    }
}
