//! A loopback server for `cargo xtask bench --e2e`: one of the `frameworks` benchmark's axum
//! routers behind `axum::serve` (HTTP/1.1 over tokio, no TLS), on 127.0.0.1 only.
//!
//! `e2e-server --variant bare|ours|tower-sessions` binds `127.0.0.1:0` and prints two lines
//! before serving: `addr=127.0.0.1:PORT` and `cookie=NAME=VALUE`, the `Cookie` header of a
//! valid session for that variant (for `bare`, our session cookie, which it ignores). It
//! serves until it is killed.
#![allow(missing_docs)]

use std::io::Write as _;
use std::process::ExitCode;

use sessionkit_benches::{Keying, axum_apps};

const USAGE: &str = "usage: e2e-server --variant bare|ours|tower-sessions|axum-login";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let variant = match args.as_slice() {
        [flag, v] if flag == "--variant" => v.clone(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("e2e-server: no tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(serve(&variant)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(variant: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (router, cookie) = match variant {
        "bare" => (axum_apps::bare(), axum_apps::ours(Keying::Sha256).1),
        "ours" => axum_apps::ours(Keying::Sha256),
        "tower-sessions" => axum_apps::tower_sessions().await,
        "axum-login" => axum_apps::axum_login().await,
        other => return Err(format!("unknown variant `{other}`; {USAGE}").into()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "addr={addr}")?;
        writeln!(out, "cookie={cookie}")?;
        out.flush()?;
    }
    axum::serve(listener, router).await?;
    Ok(())
}
