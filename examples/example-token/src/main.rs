//! `cargo run -p example-token`: the token crate on its own, no HTTP at all.
//!
//! Generates a token, prints its cookie-ready form and its storage key, decodes it back,
//! and shows that malformed input is refused with a typed error.

use session_token::Token;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("example-token: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let token: Token = Token::generate()?;
    let encoded = token.encode();
    // A demo prints the token; a real application sends it only in a Set-Cookie header.
    println!(
        "token (base64url, {} chars): {}",
        encoded.len(),
        encoded.as_str()
    );
    println!("storage key (SHA-256):        {}", hex(&token.hash()));

    let decoded = Token::<32>::decode(encoded.as_str())?;
    println!("decoded back, equal:          {}", decoded == token);
    if decoded != token {
        return Err("round trip changed the token".into());
    }

    for bad in ["", "not a token", &format!("{}=", encoded.as_str())] {
        match Token::<32>::decode(bad) {
            Ok(_) => return Err("malformed input was accepted".into()),
            Err(err) => println!("rejected {:>2}-byte input:      {err}", bad.len()),
        }
    }
    println!("Debug never shows the value:  {token:?}");
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
