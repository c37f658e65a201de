use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use sqlx::Pool;

use crate::dialect::{Dialect, UserId};

/// The table [`SqlxBackend::new`] uses.
pub const DEFAULT_TABLE: &str = "sessions";

/// Sessions in one SQL table, through a sqlx [`Pool`]: the [`Backend`](session_store::Backend)
/// of [`SqliteStore`](crate::SqliteStore) and [`PgStore`](crate::PgStore).
///
/// * One statement per backend call: a load is one indexed `SELECT` by primary key; the
///   only write on the request path is the touch, once per touch interval.
/// * The schema ([`schema`](Self::schema)) is created by [`migrate`](Self::migrate),
///   idempotently (`CREATE ... IF NOT EXISTS`); or put it in your own migrations.
/// * Cheap to clone (the pool is an `Arc` inside); share the pool with the rest of your app.
///
/// # Examples
///
/// ```
/// use session_store::{Policy, Store};
/// use session_store_sqlx::SqliteBackend;
/// use sqlx::sqlite::SqlitePoolOptions;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await?;
/// let backend = SqliteBackend::<i64>::new(pool).with_table("app_sessions")?;
/// backend.migrate().await?;
/// backend.migrate().await?; // idempotent
/// let store = Store::<_>::new(backend, Policy::default());
/// let token = store.create(7).await?;
/// assert_eq!(store.load(&token).await?.map(|s| s.user_id), Some(7));
/// # Ok(()) }
/// ```
pub struct SqlxBackend<DB: Dialect, U> {
    pub(crate) pool: Pool<DB>,
    table: Arc<str>,
    pub(crate) sql: Arc<Queries>,
    user: PhantomData<fn() -> U>,
}

/// A [`SqlxBackend`] on SQLite (feature `sqlite`).
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub type SqliteBackend<U> = SqlxBackend<sqlx::Sqlite, U>;

/// A [`SqlxBackend`] on PostgreSQL (feature `postgres`).
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub type PgBackend<U> = SqlxBackend<sqlx::Postgres, U>;

impl<DB: Dialect, U: UserId<DB>> SqlxBackend<DB, U> {
    /// Sessions in the table `sessions` of `pool`'s database. Call
    /// [`migrate`](Self::migrate) once before use (or create the [`schema`](Self::schema)
    /// yourself).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_sqlx::SqliteBackend;
    /// use sqlx::sqlite::SqlitePoolOptions;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = SqlitePoolOptions::new().connect("sqlite::memory:").await?;
    /// let backend = SqliteBackend::<String>::new(pool);
    /// assert_eq!(backend.table(), "sessions");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn new(pool: Pool<DB>) -> Self {
        Self {
            pool,
            table: Arc::from(DEFAULT_TABLE),
            sql: Arc::new(Queries::new(DEFAULT_TABLE)),
            user: PhantomData,
        }
    }

    /// Keeps the sessions in the table `name` instead of `sessions`.
    ///
    /// # Errors
    ///
    /// [`InvalidTableName`] unless `name` is 1 to 48 characters of `a-z`, `0-9` and `_`, not
    /// starting with a digit (it is written into the SQL as it is, so it is checked; for
    /// another PostgreSQL schema, set the connection's `search_path`).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_sqlx::SqliteBackend;
    /// use sqlx::sqlite::SqlitePoolOptions;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let pool = SqlitePoolOptions::new().connect("sqlite::memory:").await?;
    /// let backend = SqliteBackend::<i64>::new(pool.clone()).with_table("auth_sessions")?;
    /// assert_eq!(backend.table(), "auth_sessions");
    /// assert!(SqliteBackend::<i64>::new(pool).with_table("x; DROP TABLE users").is_err());
    /// # Ok(()) }
    /// ```
    pub fn with_table(mut self, name: &str) -> Result<Self, InvalidTableName> {
        let mut chars = name.chars();
        let valid = name.len() <= 48
            && chars
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(InvalidTableName);
        }
        self.table = Arc::from(name);
        self.sql = Arc::new(Queries::new(name));
        Ok(self)
    }

    /// The pool, for your own queries (such as a loader that joins the session with the
    /// user: see the crate docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_sqlx::SqliteBackend;
    /// use sqlx::sqlite::SqlitePoolOptions;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = SqlitePoolOptions::new().connect("sqlite::memory:").await?;
    /// let backend = SqliteBackend::<i64>::new(pool);
    /// let one: (i64,) = sqlx::query_as("SELECT 1").fetch_one(backend.pool()).await?;
    /// assert_eq!(one, (1,));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }

    /// The table's name.
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_sqlx::{DEFAULT_TABLE, SqliteBackend};
    /// use sqlx::sqlite::SqlitePoolOptions;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = SqlitePoolOptions::new().connect("sqlite::memory:").await?;
    /// assert_eq!(SqliteBackend::<i64>::new(pool).table(), DEFAULT_TABLE);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The schema, idempotent: the table and its indexes (the key is the primary key; the
    /// user id with the creation time, for listing and revoking a user's sessions; the two
    /// expiry columns, for purging). What [`migrate`](Self::migrate) runs, for your own
    /// migration files.
    ///
    /// A table created before the `persistent` column ("remember me") existed needs it added
    /// ([`migrate`](Self::migrate) does so): `ALTER TABLE sessions ADD COLUMN persistent
    /// BOOLEAN NOT NULL DEFAULT FALSE` (old sessions stay browser-session ones).
    ///
    /// # Examples
    ///
    /// ```
    /// use session_store_sqlx::PgBackend;
    /// use sqlx::postgres::PgPoolOptions;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = PgPoolOptions::new().connect_lazy("postgres://localhost/app").expect("a URL");
    /// let schema = PgBackend::<i64>::new(pool).schema();
    /// assert!(schema.contains("token_hash BYTEA PRIMARY KEY"));
    /// assert!(schema.contains("user_id BIGINT NOT NULL"));
    /// # }
    /// ```
    #[must_use]
    pub fn schema(&self) -> String {
        schema(&self.table, DB::KEY_TYPE, U::COLUMN_TYPE)
    }

    /// Creates the table and its indexes if they do not exist, in one transaction (on
    /// PostgreSQL under an advisory lock, so several instances may start at once), and adds
    /// the `persistent` column to a table made before it existed (its rows stay valid:
    /// browser-session cookies). Run it at start-up; running it again changes nothing.
    ///
    /// # Errors
    ///
    /// The database's error, such as an unreachable server or a table of that name with
    /// other columns.
    ///
    /// # Examples
    ///
    /// See [`SqlxBackend`].
    pub async fn migrate(&self) -> Result<(), sqlx::Error>
    where
        for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
    {
        let table = &self.table;
        let upgrade = if DB::ADD_COLUMN_IF_NOT_EXISTS {
            format!("ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {PERSISTENT_COLUMN};")
        } else {
            String::new()
        };
        let script = format!(
            "BEGIN;\n{}\n{}\n{upgrade}\nCOMMIT;",
            DB::MIGRATE_PRELUDE,
            self.schema()
        );
        sqlx::raw_sql(&script).execute(&self.pool).await?;
        if !DB::ADD_COLUMN_IF_NOT_EXISTS && !self.has_persistent_column().await? {
            let add = format!("ALTER TABLE {table} ADD COLUMN {PERSISTENT_COLUMN}");
            if let Err(err) = sqlx::raw_sql(&add).execute(&self.pool).await {
                // Another instance migrating at the same moment may have added it first.
                if !self.has_persistent_column().await? {
                    return Err(err);
                }
            }
        }
        Ok(())
    }

    /// Whether the table has the `persistent` column (SQLite's `pragma_table_info`; only
    /// asked where `ADD COLUMN IF NOT EXISTS` does not exist).
    async fn has_persistent_column(&self) -> Result<bool, sqlx::Error>
    where
        for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
    {
        // The table name is checked (`with_table`): a plain lowercase identifier.
        let query = format!(
            "SELECT 1 FROM pragma_table_info('{}') WHERE name = 'persistent'",
            self.table
        );
        let rows = sqlx::raw_sql(&query).fetch_all(&self.pool).await?;
        Ok(!rows.is_empty())
    }
}

/// The `persistent` column ("remember me"): a default, so that rows written before it
/// existed are browser-session cookies.
const PERSISTENT_COLUMN: &str = "persistent BOOLEAN NOT NULL DEFAULT FALSE";

fn schema(table: &str, key_type: &str, user_type: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (
    token_hash {key_type} PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id {user_type} NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    label TEXT,
    {PERSISTENT_COLUMN}
);
CREATE INDEX IF NOT EXISTS {table}_user_id ON {table} (user_id, created_at);
CREATE INDEX IF NOT EXISTS {table}_expires_at ON {table} (expires_at);
CREATE INDEX IF NOT EXISTS {table}_last_seen_at ON {table} (last_seen_at);"
    )
}

/// Every statement of a backend, written once for its table. `$n` placeholders serve both
/// SQLite and PostgreSQL. Read only by the database features' backends.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) struct Queries {
    pub(crate) insert: String,
    pub(crate) get: String,
    pub(crate) touch: String,
    pub(crate) rekey: String,
    pub(crate) remove: String,
    pub(crate) remove_expired: String,
    pub(crate) remove_user: String,
    pub(crate) remove_user_except: String,
    pub(crate) remove_handle: String,
    pub(crate) list: String,
    pub(crate) purge: String,
}

impl Queries {
    fn new(t: &str) -> Self {
        Self {
            insert: format!(
                "INSERT INTO {t} \
                 (token_hash, user_id, created_at, last_seen_at, expires_at, label, persistent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (token_hash) DO NOTHING"
            ),
            get: format!(
                "SELECT user_id, created_at, last_seen_at, expires_at, label, persistent \
                 FROM {t} WHERE token_hash = $1"
            ),
            touch: format!(
                "UPDATE {t} SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2"
            ),
            rekey: format!(
                "UPDATE {t} SET token_hash = $2, last_seen_at = $3 \
                 WHERE token_hash = $1 AND expires_at > $3 AND last_seen_at > $4"
            ),
            remove: format!("DELETE FROM {t} WHERE token_hash = $1"),
            remove_expired: format!(
                "DELETE FROM {t} WHERE token_hash = $1 AND (expires_at <= $2 OR last_seen_at <= $3)"
            ),
            remove_user: format!("DELETE FROM {t} WHERE user_id = $1"),
            remove_user_except: format!("DELETE FROM {t} WHERE user_id = $1 AND token_hash <> $2"),
            remove_handle: format!(
                "DELETE FROM {t} WHERE user_id = $1 AND substr(token_hash, 1, 16) = $2"
            ),
            list: format!(
                "SELECT token_hash, user_id, created_at, last_seen_at, expires_at, label, \
                 persistent FROM {t} WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 \
                 ORDER BY created_at, token_hash"
            ),
            purge: format!("DELETE FROM {t} WHERE expires_at <= $1 OR last_seen_at <= $2"),
        }
    }
}

/// The name given to [`SqlxBackend::with_table`] is not a plain lowercase SQL identifier of
/// at most 48 characters. It never echoes the name.
///
/// # Examples
///
/// ```
/// use session_store_sqlx::InvalidTableName;
///
/// assert_eq!(InvalidTableName.to_string(), "not a valid session table name");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTableName;

impl fmt::Display for InvalidTableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a valid session table name")
    }
}

impl std::error::Error for InvalidTableName {}

impl<DB: Dialect, U> Clone for SqlxBackend<DB, U> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            table: Arc::clone(&self.table),
            sql: Arc::clone(&self.sql),
            user: PhantomData,
        }
    }
}

impl<DB: Dialect, U> fmt::Debug for SqlxBackend<DB, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlxBackend")
            .field("database", &DB::NAME)
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

/// The [`Backend`](session_store::Backend) impl for one database: the same statements, the
/// database's concrete sqlx types.
macro_rules! backend_for {
    ($db:ty, $feature:literal) => {
        #[cfg(feature = $feature)]
        impl<U: UserId<$db>> session_store::Backend for SqlxBackend<$db, U> {
            type UserId = U;
            type Error = sqlx::Error;

            async fn insert(&self, r: &session_store::Record<U>) -> Result<bool, sqlx::Error> {
                let done = sqlx::query::<$db>(&self.sql.insert)
                    .bind(&r.key[..])
                    .bind(&r.user_id)
                    .bind(r.created_at)
                    .bind(r.last_seen_at)
                    .bind(r.expires_at)
                    .bind(r.label.as_deref())
                    .bind(r.persistent)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn get(
                &self,
                key: &[u8; 32],
            ) -> Result<Option<session_store::Record<U>>, sqlx::Error> {
                use sqlx::Row as _;
                let row = sqlx::query::<$db>(&self.sql.get)
                    .bind(&key[..])
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|row| {
                    Ok(session_store::Record {
                        key: *key,
                        user_id: row.try_get(0)?,
                        created_at: row.try_get(1)?,
                        last_seen_at: row.try_get(2)?,
                        expires_at: row.try_get(3)?,
                        label: row.try_get(4)?,
                        persistent: row.try_get(5)?,
                    })
                })
                .transpose()
            }

            async fn touch(&self, key: &[u8; 32], now: i64) -> Result<bool, sqlx::Error> {
                let done = sqlx::query::<$db>(&self.sql.touch)
                    .bind(&key[..])
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn rekey(
                &self,
                old: &[u8; 32],
                new: &[u8; 32],
                cutoff: session_store::Cutoff,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query::<$db>(&self.sql.rekey)
                    .bind(&old[..])
                    .bind(&new[..])
                    .bind(cutoff.now)
                    .bind(cutoff.seen_after)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn remove(&self, key: &[u8; 32]) -> Result<bool, sqlx::Error> {
                let done = sqlx::query::<$db>(&self.sql.remove)
                    .bind(&key[..])
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn remove_expired(
                &self,
                key: &[u8; 32],
                cutoff: session_store::Cutoff,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query::<$db>(&self.sql.remove_expired)
                    .bind(&key[..])
                    .bind(cutoff.now)
                    .bind(cutoff.seen_after)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn remove_user(
                &self,
                user: &U,
                keep: Option<&[u8; 32]>,
            ) -> Result<u64, sqlx::Error> {
                let query = match keep {
                    Some(keep) => sqlx::query::<$db>(&self.sql.remove_user_except)
                        .bind(user)
                        .bind(&keep[..]),
                    None => sqlx::query::<$db>(&self.sql.remove_user).bind(user),
                };
                Ok(query.execute(&self.pool).await?.rows_affected())
            }

            async fn remove_handle(
                &self,
                user: &U,
                handle: &session_store::Handle,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query::<$db>(&self.sql.remove_handle)
                    .bind(user)
                    .bind(&handle.as_bytes()[..])
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn list(
                &self,
                user: &U,
                cutoff: session_store::Cutoff,
            ) -> Result<Vec<session_store::Record<U>>, sqlx::Error> {
                use sqlx::Row as _;
                let rows = sqlx::query::<$db>(&self.sql.list)
                    .bind(user)
                    .bind(cutoff.now)
                    .bind(cutoff.seen_after)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        let key: Vec<u8> = row.try_get(0)?;
                        Ok(session_store::Record {
                            key: crate::backend::storage_key(&key)?,
                            user_id: row.try_get(1)?,
                            created_at: row.try_get(2)?,
                            last_seen_at: row.try_get(3)?,
                            expires_at: row.try_get(4)?,
                            label: row.try_get(5)?,
                            persistent: row.try_get(6)?,
                        })
                    })
                    .collect()
            }

            async fn purge(&self, cutoff: session_store::Cutoff) -> Result<u64, sqlx::Error> {
                let done = sqlx::query::<$db>(&self.sql.purge)
                    .bind(cutoff.now)
                    .bind(cutoff.seen_after)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

backend_for!(sqlx::Sqlite, "sqlite");
backend_for!(sqlx::Postgres, "postgres");

/// A stored key as the 32 bytes it must be (the schema checks the length too).
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn storage_key(bytes: &[u8]) -> Result<[u8; 32], sqlx::Error> {
    bytes
        .try_into()
        .map_err(|_| sqlx::Error::Decode("a session key that is not 32 bytes".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_keys_are_32_bytes() {
        assert_eq!(storage_key(&[1; 32]).ok(), Some([1; 32]));
        assert!(storage_key(&[1; 31]).is_err());
    }

    #[test]
    fn schema_names_the_table_everywhere() {
        let schema = schema("auth", "BLOB", "TEXT");
        assert_eq!(schema.matches("auth").count(), 7);
        assert!(!schema.contains("sessions"));
        assert!(schema.contains("label TEXT,\n    persistent BOOLEAN NOT NULL DEFAULT FALSE\n);"));
    }
}
