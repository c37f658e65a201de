//! Validation of the cookie template by `CookieProxy::new`.

use cookie::{Cookie, CookieBuilder, Expiration, SameSite, time};
use session_cookie::{ConfigError, CookieProxy};

/// A valid, non-prefixed template to break one rule at a time.
fn base(name: impl Into<String>) -> CookieBuilder<'static> {
    Cookie::build((name.into(), String::new()))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
}

fn check(cookie: impl Into<Cookie<'static>>) -> Result<(), ConfigError> {
    CookieProxy::<32>::new(cookie.into()).map(|_| ())
}

#[test]
fn valid_templates_are_accepted() {
    assert_eq!(check(base("id")), Ok(()));
    assert_eq!(check(base("__Host-id")), Ok(()));
    assert_eq!(
        check(base("__Secure-id").domain("example.com").path("/a")),
        Ok(())
    );
    assert_eq!(check(base("!#$%&'*+-.^_`|~09azAZ")), Ok(()));
    assert_eq!(check(base("id").same_site(SameSite::None)), Ok(()));
    assert_eq!(check(base("id").max_age(time::Duration::days(400))), Ok(()));
    assert_eq!(
        check(base("id").max_age(time::Duration::seconds(1))),
        Ok(())
    );
    assert_eq!(check(base("id").expires(Expiration::Session)), Ok(()));
    assert_eq!(check(base("id").same_site(SameSite::Strict)), Ok(()));
}

/// A session token readable by script, sent over plain HTTP, or with a browser-chosen
/// `SameSite`: never built by `new`.
#[test]
fn http_only_same_site_and_secure_are_required() {
    let bare = Cookie::build(("sid", "")).path("/");
    assert_eq!(check(bare.clone()), Err(ConfigError::MissingHttpOnly));
    assert_eq!(
        check(base("sid").http_only(false)),
        Err(ConfigError::MissingHttpOnly)
    );
    assert_eq!(
        check(bare.clone().http_only(true).secure(true)),
        Err(ConfigError::MissingSameSite)
    );
    assert_eq!(
        check(base("sid").secure(false)),
        Err(ConfigError::MissingSecure)
    );
    // The loudly named constructor lets only `Secure` go.
    let insecure = |c: CookieBuilder<'static>| {
        CookieProxy::<32>::new_insecure_for_local_development(c.build()).map(|_| ())
    };
    assert_eq!(insecure(base("sid").secure(false)), Ok(()));
    assert_eq!(insecure(bare.clone()), Err(ConfigError::MissingHttpOnly));
    assert_eq!(
        insecure(bare.http_only(true)),
        Err(ConfigError::MissingSameSite)
    );
    assert_eq!(
        insecure(base("__Host-sid").secure(false)),
        Err(ConfigError::HostPrefixNeedsSecure)
    );
    assert_eq!(
        insecure(base("sid").secure(false).same_site(SameSite::None)),
        Err(ConfigError::SameSiteNoneNeedsSecure)
    );
}

#[test]
fn names_must_be_rfc_9110_tokens() {
    for name in [
        "", "a;b", "a=b", "a b", " a", "a\r", "a\n", "a\0", "a\t", "é", "a,b", "\"a\"", "a(b)",
        "a/b", "a:b", "a@b", "a[b]", "a{b}", "a?b", "a\\b", "a\x7f",
    ] {
        let template = Cookie::build((name, "")).path("/").secure(true).build();
        assert_eq!(check(template), Err(ConfigError::InvalidName), "{name:?}");
    }
}

#[test]
fn host_prefix_rules() {
    assert_eq!(
        check(base("__Host-id").secure(false)),
        Err(ConfigError::HostPrefixNeedsSecure)
    );
    assert_eq!(
        check(base("__Host-id").domain("example.com")),
        Err(ConfigError::HostPrefixWithDomain)
    );
    assert_eq!(
        check(base("__Host-id").path("/app")),
        Err(ConfigError::HostPrefixNeedsRootPath)
    );
}

#[test]
fn secure_prefix_needs_secure() {
    assert_eq!(
        check(base("__Secure-id").secure(false)),
        Err(ConfigError::SecurePrefixNeedsSecure)
    );
}

#[test]
fn miscased_prefixes_are_rejected() {
    for name in [
        "__host-id",
        "__HOST-id",
        "__host-",
        "__secure-id",
        "__SECURE-x",
    ] {
        let template = base(name).build();
        assert_eq!(check(template), Err(ConfigError::MiscasedPrefix), "{name}");
    }
}

#[test]
fn same_site_none_and_partitioned_need_secure() {
    assert_eq!(
        check(base("id").same_site(SameSite::None).secure(false)),
        Err(ConfigError::SameSiteNoneNeedsSecure)
    );
    assert_eq!(
        check(base("id").partitioned(true).secure(false)),
        Err(ConfigError::PartitionedNeedsSecure)
    );
}

#[test]
fn max_age_is_capped_at_400_days() {
    let day = time::Duration::days(1);
    assert_eq!(
        check(base("id").max_age(day * 400 + time::Duration::seconds(1))),
        Err(ConfigError::MaxAgeTooLong)
    );
    assert_eq!(
        check(base("id").max_age(time::Duration::MAX)),
        Err(ConfigError::MaxAgeTooLong)
    );
    assert_eq!(
        check(base("id").max_age(time::Duration::seconds(i64::MAX))),
        Err(ConfigError::MaxAgeTooLong)
    );
    for short in [
        time::Duration::ZERO,
        time::Duration::milliseconds(999),
        time::Duration::MIN,
    ] {
        assert_eq!(
            check(base("id").max_age(short)),
            Err(ConfigError::MaxAgeNotPositive)
        );
    }
    // A Max-Age parsed from a huge string saturates in `cookie`; still rejected.
    let parsed = Cookie::parse(
        "id=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=99999999999999999999999",
    )
    .unwrap();
    assert_eq!(check(parsed), Err(ConfigError::MaxAgeTooLong));
}

#[test]
fn fixed_expires_is_rejected() {
    let at = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    assert_eq!(
        check(base("id").expires(at)),
        Err(ConfigError::FixedExpires)
    );
}

#[test]
fn path_is_required_and_checked() {
    let no_path = Cookie::build(("id", "")).secure(true).build();
    assert_eq!(check(no_path), Err(ConfigError::MissingPath));
    for path in ["", "app", "/a;b", "/a b", "/a\r", "/é", "/a\x7f", "/\t"] {
        assert_eq!(
            check(base("id").path(path)),
            Err(ConfigError::InvalidPath),
            "{path:?}"
        );
    }
    assert_eq!(check(base("id").path("/a-b_c/~d%20")), Ok(()));
    let long = format!("/{}", "a".repeat(1024));
    assert_eq!(
        check(base("id").path(long)),
        Err(ConfigError::AttributeTooLong)
    );
}

#[test]
fn domain_is_checked() {
    for domain in [
        "a;b.com",
        "a b.com",
        "exa\rmple.com",
        "ex\u{e9}.com",
        "a..b",
        "a:80",
    ] {
        assert_eq!(
            check(base("id").domain(domain)),
            Err(ConfigError::InvalidDomain),
            "{domain:?}"
        );
    }
    // One leading dot is legal (and ignored by browsers); the written Domain drops it.
    let proxy = CookieProxy::<32>::new(base("id").domain(".example.com").build()).unwrap();
    assert!(proxy.end_value().as_str().contains("; Domain=example.com;"));
    let long = "a.".repeat(600);
    assert_eq!(
        check(base("id").domain(format!("{long}com"))),
        Err(ConfigError::AttributeTooLong)
    );
}

#[test]
fn name_plus_token_is_at_most_4096_bytes() {
    let fits = "n".repeat(4096 - 43);
    assert_eq!(check(base(fits.clone())), Ok(()));
    let over = format!("{fits}n");
    assert_eq!(check(base(over.clone())), Err(ConfigError::TooLong));
    // Shorter tokens leave room for a longer name.
    assert!(CookieProxy::<16>::new(base(over).build()).is_ok());
}

#[test]
fn errors_do_not_echo_the_template() {
    let template = Cookie::build(("secret;name", "")).path("/").build();
    let err = CookieProxy::<32>::new(template).unwrap_err();
    assert!(!err.to_string().contains("secret"));
    assert!(!format!("{err:?}").contains("secret"));
}

#[test]
fn the_value_of_the_template_is_ignored() {
    let template = base("id").build();
    let mut with_value = template.clone();
    with_value.set_value("whatever");
    let proxy = CookieProxy::<32>::new(with_value).unwrap();
    assert_eq!(
        proxy.end_value().as_str(),
        CookieProxy::<32>::new(template)
            .unwrap()
            .end_value()
            .as_str()
    );
    assert_eq!(proxy.end_value().as_str().split(';').next(), Some("id="));
}
