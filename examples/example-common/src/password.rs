//! Passwords: Argon2id hashes in the PHC string format, checked on the login gate's hash
//! threads, and the demo account.

use std::cell::RefCell;

use argon2::password_hash::phc::Output;
use argon2::password_hash::{Error as HashError, PasswordHasher as _};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};

use crate::{HashPermit, StoreError};

/// The demo account seeded on first start: user name.
pub const DEMO_USER: &str = "demo";
/// The demo account seeded on first start: password.
pub const DEMO_PASSWORD: &str = "demo";

/// What an unknown user name is verified against, so that a login for a name that does not
/// exist costs the same Argon2 work as one for a name that does: the hash of a random
/// password nobody kept, with `Argon2::default()` parameters (a test checks that they still
/// match). Its outcome is discarded: an unknown name never signs in.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$SKnJ6NsGfwbuwTJYY24WYA$JFMe4UIj/KdXgpF+nywARC+yYYERvf3Z+SeCSF0EdE4";

/// An Argon2id (default parameters) PHC string for `password`, with a random salt from the OS:
/// what a store keeps for a user instead of the password.
///
/// Blocking (tens of milliseconds of CPU on purpose): call it at startup or on tokio's
/// blocking pool.
///
/// # Errors
///
/// [`StoreError::PasswordHash`] if hashing fails (the OS RNG failed while salting).
///
/// # Examples
///
/// ```
/// # fn main() -> Result<(), example_common::StoreError> {
/// let hash = example_common::hash_password("demo")?;
/// assert!(hash.starts_with("$argon2id$v=19$"));
/// # Ok(()) }
/// ```
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())?
        .to_string())
}

/// Checks `password` against a PHC string from [`hash_password`] on the login gate's hash
/// threads, through `permit` (from [`LoginGate::admit`](crate::LoginGate::admit)): `Ok(true)`
/// only if `stored` is `Some` and matches.
///
/// `None` (no such user) still costs one Argon2 verification, against a dummy hash, so the
/// response time does not tell which names exist. Any store can look its user up and hand
/// the hash (or `None`) here, as [`SiteDb::verify_password`](crate::SiteDb::verify_password)
/// does.
///
/// # Errors
///
/// [`StoreError::PasswordHash`] if `stored` is malformed, [`StoreError::Worker`] if the
/// hash job panicked.
///
/// # Examples
///
/// ```
/// use example_common::{LoginGate, hash_password, verify_password_hash};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), example_common::StoreError> {
/// let gate = LoginGate::new(Default::default()).expect("hash threads");
/// let stored = hash_password("demo")?;
/// let permit = gate.hash_permit().await;
/// assert!(verify_password_hash(permit, Some(stored.clone()), "demo".to_owned()).await?);
/// let permit = gate.hash_permit().await;
/// assert!(!verify_password_hash(permit, Some(stored), "Demo".to_owned()).await?);
/// let permit = gate.hash_permit().await;
/// assert!(!verify_password_hash(permit, None, "demo".to_owned()).await?);
/// # Ok(()) }
/// ```
pub async fn verify_password_hash(
    permit: HashPermit,
    stored: Option<String>,
    password: String,
) -> Result<bool, StoreError> {
    permit
        .run(move || verify_hash_blocking(stored.as_deref(), &password))
        .await?
}

/// Verifies `password` against `stored`, or against [`DUMMY_HASH`] when there is none (and
/// then answers `false` whatever the outcome).
fn verify_hash_blocking(stored: Option<&str>, password: &str) -> Result<bool, StoreError> {
    let phc = stored.unwrap_or(DUMMY_HASH);
    let matches = ARGON2_MEMORY
        .with_borrow_mut(|memory| verify_with_memory(memory, password.as_bytes(), phc))?;
    Ok(matches && stored.is_some())
}

thread_local! {
    /// Argon2's working memory (19 MiB with the default parameters), kept by the thread that
    /// verified a password for its next one. Verifications run only on the login gate's hash
    /// threads, so the memory they take is one block of it per thread, whatever the
    /// allocator does: with a fresh 19 MiB per hash, glibc's heap kept hundreds of MiB.
    static ARGON2_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// `Argon2::verify_password` for the PHC string `phc` (its algorithm, version, parameters,
/// salt and output), with `memory` as Argon2's working memory (resized to fit): whether
/// `password` hashes to the same output, compared in constant time.
fn verify_with_memory(
    memory: &mut Vec<Block>,
    password: &[u8],
    phc: &str,
) -> Result<bool, HashError> {
    let hash = PasswordHash::new(phc)?;
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        // As `verify_password` answers: no salt or no output matches no password.
        return Ok(false);
    };
    let version = hash.version.map(Version::try_from).transpose()?;
    let argon2 = Argon2::new(
        Algorithm::try_from(hash.algorithm.as_str())?,
        version.unwrap_or_default(),
        Params::try_from(&hash)?,
    );
    memory.resize(argon2.params().block_count(), Block::default());
    let mut buffer = [0_u8; Output::MAX_LENGTH];
    let computed = buffer
        .get_mut(..expected.len())
        .ok_or(HashError::OutputSize)?;
    argon2.hash_password_into_with_memory(password, salt, computed, memory.as_mut_slice())?;
    // `Output`'s `==` is constant-time.
    Ok(Output::new(computed)? == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reused-memory verification answers as the library's `verify_password`, for each
    /// algorithm and version, with memory left over from larger and smaller parameters.
    #[test]
    fn verify_with_memory_agrees_with_argon2() {
        use argon2::PasswordVerifier as _;
        let mut memory = Vec::new();
        for (algorithm, version, m_cost) in [
            (Algorithm::Argon2id, Version::V0x13, 256),
            (Algorithm::Argon2i, Version::V0x10, 64),
            (Algorithm::Argon2d, Version::V0x13, 128),
        ] {
            let params = Params::new(m_cost, 1, 1, None).unwrap();
            let phc = Argon2::new(algorithm, version, params)
                .hash_password(b"right")
                .unwrap()
                .to_string();
            for password in [&b"right"[..], b"wrong", b"", b"righ"] {
                let library = Argon2::default()
                    .verify_password(password, phc.as_str())
                    .is_ok();
                let ours = verify_with_memory(&mut memory, password, &phc).unwrap();
                assert_eq!(ours, library, "{phc} {password:?}");
            }
            assert_eq!(memory.len(), usize::try_from(m_cost).unwrap());
        }
        assert!(verify_with_memory(&mut memory, b"x", "not a PHC string").is_err());
        assert!(verify_with_memory(&mut memory, b"x", DUMMY_HASH).is_ok());
    }

    #[test]
    fn dummy_hash_has_the_current_parameters() {
        let fresh = hash_password("x").unwrap();
        let params = |h: &str| h.rsplitn(3, '$').nth(2).map(str::to_owned);
        assert_eq!(params(DUMMY_HASH), params(&fresh));
        assert!(params(DUMMY_HASH).unwrap().starts_with("$argon2id$v=19$m="));
    }

    #[test]
    fn a_hash_is_argon2id_phc_with_a_salt() {
        let hash = hash_password("demo").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert_eq!(hash.split('$').count(), 6, "{hash}");
        assert_ne!(hash_password("demo").unwrap(), hash, "salted");
    }

    #[tokio::test]
    async fn only_the_stored_hash_matches() {
        let gate = crate::LoginGate::new(crate::LoginLimits::default()).unwrap();
        let stored = hash_password("demo").unwrap();
        for (stored, password, expected) in [
            (Some(stored.clone()), "demo", true),
            (Some(stored.clone()), "Demo", false),
            (Some(stored), "", false),
            (None, "demo", false),
        ] {
            let permit = gate.hash_permit().await;
            let matched = verify_password_hash(permit, stored, password.to_owned())
                .await
                .unwrap();
            assert_eq!(matched, expected, "{password:?}");
        }
    }
}
