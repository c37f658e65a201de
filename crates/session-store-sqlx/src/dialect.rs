use sqlx::{Database, Decode, Encode, Type};

/// A database this crate keeps sessions in: [`sqlx::Sqlite`] (feature `sqlite`) and
/// [`sqlx::Postgres`] (feature `postgres`). Sealed: the SQL is written for these two.
///
/// # Examples
///
/// ```
/// use session_store_sqlx::Dialect;
///
/// fn key_column<DB: Dialect>() -> &'static str {
///     DB::KEY_TYPE
/// }
/// assert_eq!(key_column::<sqlx::Sqlite>(), "BLOB");
/// assert_eq!(key_column::<sqlx::Postgres>(), "BYTEA");
/// ```
pub trait Dialect: Database + sealed::Sealed {
    /// The column type of the 32-byte storage key.
    const KEY_TYPE: &'static str;

    /// Statements that run before the schema, in the same transaction (PostgreSQL: an
    /// advisory lock, so that two instances migrating at once do not collide).
    #[doc(hidden)]
    const MIGRATE_PRELUDE: &'static str;

    /// Whether `ALTER TABLE ... ADD COLUMN IF NOT EXISTS` exists (PostgreSQL); without it
    /// (SQLite), `migrate` looks for a missing column before adding it.
    #[doc(hidden)]
    const ADD_COLUMN_IF_NOT_EXISTS: bool;
}

mod sealed {
    pub trait Sealed {}
}

#[cfg(feature = "sqlite")]
impl sealed::Sealed for sqlx::Sqlite {}

#[cfg(feature = "sqlite")]
impl Dialect for sqlx::Sqlite {
    const KEY_TYPE: &'static str = "BLOB";
    const MIGRATE_PRELUDE: &'static str = "";
    const ADD_COLUMN_IF_NOT_EXISTS: bool = false;
}

#[cfg(feature = "postgres")]
impl sealed::Sealed for sqlx::Postgres {}

#[cfg(feature = "postgres")]
impl Dialect for sqlx::Postgres {
    const KEY_TYPE: &'static str = "BYTEA";
    // One lock for every session table: migrations are rare and short. The key is
    // "sessions" in ASCII.
    const MIGRATE_PRELUDE: &'static str = "SELECT pg_advisory_xact_lock(8315178082434035315);";
    const ADD_COLUMN_IF_NOT_EXISTS: bool = true;
}

/// A user id type the `user_id` column can hold, with its column type in `DB`.
///
/// Provided: `i64`, `String` and `Vec<u8>` for SQLite and PostgreSQL. For your own id, wrap it
/// in a newtype of your crate that implements sqlx's `Type`, `Encode` and `Decode`
/// (`#[derive(sqlx::Type)] #[sqlx(transparent)]`, sqlx's `derive` feature) and this trait.
///
/// The column type is used only when the schema is created: the same type as your users
/// table's id lets one query join the two (see the crate docs, "One round trip").
///
/// # Examples
///
/// ```
/// use session_store_sqlx::UserId;
///
/// assert_eq!(<i64 as UserId<sqlx::Postgres>>::COLUMN_TYPE, "BIGINT");
/// assert_eq!(<Vec<u8> as UserId<sqlx::Sqlite>>::COLUMN_TYPE, "BLOB");
/// ```
pub trait UserId<DB: Database>:
    Clone + Send + Sync + Unpin + 'static + Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>
{
    /// The SQL type of the `user_id` column.
    const COLUMN_TYPE: &'static str;
}

/// `UserId` impls: `feature, database => type: column type, ...`.
macro_rules! user_ids {
    ($feature:literal, $db:ty => $($user:ty: $column:literal),+) => {
        $(
            #[cfg(feature = $feature)]
            impl UserId<$db> for $user {
                const COLUMN_TYPE: &'static str = $column;
            }
        )+
    };
}

user_ids!("sqlite", sqlx::Sqlite => i64: "INTEGER", String: "TEXT", Vec<u8>: "BLOB");
user_ids!("postgres", sqlx::Postgres => i64: "BIGINT", String: "TEXT", Vec<u8>: "BYTEA");
