//! `cargo run -p example-axum`: a small real site on sessionkit + axum + SQLite.
//!
//! Routes: `GET /` (login form, or "Signed in as NAME" and a logout button), `POST /login`,
//! `GET /me` (401 without a session), `POST /logout`. Sessions live in SQLite under
//! `token.hash()`; only the random token travels in the cookie. The axum glue is the
//! library half of this package (`src/lib.rs`), shared with the Redis example.

use std::net::SocketAddr;
use std::process::ExitCode;

use example_common::{Args, ArgsError, Store};

fn main() -> ExitCode {
    let default_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    let args = match example_common::parse_args(std::env::args_os().skip(1), default_addr) {
        Ok(args) => args,
        Err(ArgsError::Help) => {
            println!("{}", ArgsError::Help);
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("example-axum: {err}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("example-axum: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("example-axum: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::open(&args.db, args.session)?;
    let about = format!("database {}", args.db.display());
    example_axum::serve(
        "example-axum",
        args.addr,
        args.secure_cookies,
        store,
        &about,
    )
    .await?;
    Ok(())
}
