//! `cargo run -p example-websocket -- axum` (http://127.0.0.1:3004) or `-- actix`
//! (http://127.0.0.1:3005); a second argument picks another address.

use std::net::SocketAddr;
use std::process::ExitCode;

use actix_web::{App, HttpServer};
use example_websocket::{DemoStore, Site, actix_site, axum_site};
use session_store::Policy;

const USAGE: &str = "usage: example-websocket axum|actix [ADDR]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let framework = args.next();
    let addr = args.next();
    if args.next().is_some() {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    }
    let default_addr = match framework.as_deref() {
        Some("axum") => "127.0.0.1:3004",
        Some("actix") => "127.0.0.1:3005",
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let addr: SocketAddr = match addr.as_deref().unwrap_or(default_addr).parse() {
        Ok(addr) => addr,
        Err(error) => {
            eprintln!("example-websocket: bad address: {error}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    // 12 hours at most, 30 minutes idle: the library's default policy.
    let site = Site::new(DemoStore::in_memory(Policy::default()));
    eprintln!(
        "example-websocket ({}) on http://{addr}: POST /login, then open ws://{addr}/ws with the \
         cookie; POST /logout closes the socket on its next message or within {} s",
        framework.as_deref().unwrap_or_default(),
        site.recheck().as_secs()
    );
    let served = if framework.as_deref() == Some("axum") {
        serve_axum(site, addr)
    } else {
        serve_actix(site, addr)
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("example-websocket: {error}");
            ExitCode::FAILURE
        }
    }
}

fn serve_axum(site: Site, addr: SocketAddr) -> std::io::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            axum::serve(listener, axum_site::router(site)).await
        })
}

fn serve_actix(site: Site, addr: SocketAddr) -> std::io::Result<()> {
    // What `#[actix_web::main]` expands to, without the `macros` feature.
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || App::new().configure(|config| actix_site::configure(&site, config)))
            .bind(addr)?
            .run()
            .await
    })
}
