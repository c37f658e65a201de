//! The Lua scripts behind every operation that reads and writes, or touches more than one
//! key: Redis runs each one whole, with no other command in between.
//!
//! Keys (`P` is the backend's prefix):
//!
//! * `P s:{hex(token hash)}`: a hash with one field, `r`, the session's record packed in
//!   one value (`record.rs`: `1:{created}:{seen}:{expires}:{flags}:{user id
//!   length}:{user id}{label}`), so that a load is one `HGET` answered with one bulk string;
//!   its TTL ends the session's key when the policy would (see `ttl` below). The scripts
//!   read it with `record` below and rewrite only its `seen`.
//! * `P u:{user id bytes}`: the user's index, a sorted set of the hex keys of the user's
//!   sessions, each scored with the instant its session key expires (Redis's clock, in
//!   milliseconds). The index expires a second after its last member's key does. A member
//!   whose key Redis has expired is removed by the user's next insert (at most 16 per
//!   insert, oldest first), so an index holds the user's live sessions
//!   and the few that expired since their last login, and vanishes when they all have.
//!
//! Times (`created`, `seen`, `expires`, the cutoff) are compared in Lua, whose numbers are
//! doubles: exact for every time a clock gives (below 2^53 seconds), and the saturated
//! sentinels (`i64::MIN`, `i64::MAX`) still compare on the right side. They are stored as the
//! decimal text the store sent, never recomputed. A session key whose `r` the scripts cannot
//! read (absent, or not this layout) is no session to them, as it is to a load.

use std::sync::LazyLock;

use redis::Script;

/// The longest TTL a key gets, in seconds (about 68 years): longer lifetimes are cut to it.
pub(crate) const MAX_TTL: i64 = i32::MAX as i64;

/// Reads a session key's packed record (the layout of `record.rs`); every script
/// that looks into a session starts with it.
macro_rules! record {
    () => {
        r"
-- The packed record of the session key `key`: its text `r`, the decimal texts `created`,
-- `seen` and `expires`, the `user` id bytes, and `s0`/`s1`, where `seen` starts and ends in
-- `r`. nil if the key has no record of this layout.
local function record(key)
  local r = redis.call('HGET', key, 'r')
  if not r then return nil end
  local created, s0, seen, s1, expires, len, at =
    string.match(r, '^1:(%-?%d+):()(%-?%d+)():(%-?%d+):[0-3]:(%d+):()')
  if not at then return nil end
  len = tonumber(len)
  local user = string.sub(r, at, at + len - 1)
  if #user ~= len then return nil end
  return {r = r, created = created, seen = seen, expires = expires, user = user,
          s0 = s0, s1 = s1}
end

-- `f`'s record with `seen` replaced by the decimal text `now`.
local function reseen(f, now)
  return string.sub(f.r, 1, f.s0 - 1) .. now .. string.sub(f.r, f.s1)
end
"
    };
}

/// The helpers every writing script starts with.
macro_rules! prelude {
    () => {
        r"
-- Redis before 7 replicates scripts verbatim unless told otherwise, and refuses writes
-- after TIME then; 7 and later always replicate effects.
if redis.replicate_commands then redis.replicate_commands() end

local MAX_TTL = 2147483647

local function int(n)
  return string.format('%d', n)
end

-- Redis's clock, in milliseconds.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Seconds a session last seen at `seen` keeps its key: until its absolute deadline, or
-- until it idles out if that comes first (`idle` < 0: no idle timeout). At least one second
-- (a key at its deadline is gone a moment later), at most MAX_TTL.
local function ttl(expires, seen, idle)
  local t = tonumber(expires) - tonumber(seen)
  if idle >= 0 and idle < t then t = idle end
  if t < 1 then return 1 end
  if t > MAX_TTL then return MAX_TTL end
  return t
end

-- Gives the session key `key` a TTL of `t` seconds, scores its member in the user's
-- `index` with the instant it expires, and makes the index outlive its last member.
local function keep(key, index, member, t)
  redis.call('EXPIRE', key, int(t))
  redis.call('ZADD', index, int(now_ms() + t * 1000), member)
  local top = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
  redis.call('PEXPIREAT', index, int(tonumber(top[2]) + 1000))
end
"
    };
}

/// Stores a session unless its key exists; cleans up to 16 expired members of
/// the user's index. 1 if stored, 0 if the key was taken.
///
/// KEYS: session key, user index. ARGV: member (hex key), seen, expires, idle (-1: none),
/// prefix, packed record (its `seen` and `expires` are the two given).
const INSERT: &str = concat!(
    prelude!(),
    r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'r', ARGV[6])
-- Members whose key Redis expired; a member whose key is still there (a clock moved, a
-- PERSIST) gets its key's real expiry as its score instead.
local now = now_ms()
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', int(now), 'LIMIT', 0, 16)
for _, member in ipairs(stale) do
  local left = redis.call('PTTL', ARGV[5] .. 's:' .. member)
  if left == -2 then
    redis.call('ZREM', KEYS[2], member)
  elseif left == -1 then
    redis.call('ZADD', KEYS[2], int(now + MAX_TTL * 1000), member)
  else
    redis.call('ZADD', KEYS[2], int(now + left), member)
  end
end
keep(KEYS[1], KEYS[2], ARGV[1], ttl(ARGV[3], ARGV[2], tonumber(ARGV[4])))
return 1
"
);

/// Sets `seen` to now if it is older, and renews the key's TTL and index score. 1 if it
/// wrote, 0 if there is no session or it was seen at or after now.
///
/// KEYS: session key. ARGV: now, member, prefix, idle.
const TOUCH: &str = concat!(
    prelude!(),
    record!(),
    r"
local f = record(KEYS[1])
if not f then return 0 end
if tonumber(f.seen) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'r', reseen(f, ARGV[1]))
keep(KEYS[1], ARGV[3] .. 'u:' .. f.user, ARGV[2], ttl(f.expires, ARGV[1], tonumber(ARGV[4])))
return 1
"
);

/// Moves a live session to a new key, seen now. 1 if it moved; 0 if the old key names no
/// live session or the new key is taken.
///
/// KEYS: old session key, new session key. ARGV: old member, new member, now, seen after,
/// prefix, idle.
const REKEY: &str = concat!(
    prelude!(),
    record!(),
    r"
local f = record(KEYS[1])
if not f then return 0 end
if not (tonumber(f.expires) > tonumber(ARGV[3]) and tonumber(f.seen) > tonumber(ARGV[4])) then
  return 0
end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[2], 'r', reseen(f, ARGV[3]))
local index = ARGV[5] .. 'u:' .. f.user
redis.call('ZREM', index, ARGV[1])
keep(KEYS[2], index, ARGV[2], ttl(f.expires, ARGV[3], tonumber(ARGV[6])))
return 1
"
);

/// Deletes a session and its index member. 1 if there was one.
///
/// KEYS: session key. ARGV: member, prefix.
const REMOVE: &str = concat!(
    record!(),
    r"
local f = record(KEYS[1])
if not f then return redis.call('DEL', KEYS[1]) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[2] .. 'u:' .. f.user, ARGV[1])
return 1
"
);

/// Deletes a session and its index member if it is not live. 1 if it deleted one.
///
/// KEYS: session key. ARGV: member, prefix, now, seen after.
const REMOVE_EXPIRED: &str = concat!(
    record!(),
    r"
local f = record(KEYS[1])
if not f then return 0 end
if tonumber(f.expires) > tonumber(ARGV[3]) and tonumber(f.seen) > tonumber(ARGV[4]) then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[2] .. 'u:' .. f.user, ARGV[1])
return 1
"
);

/// Deletes every session in the user's index that is the user's, but the one to keep; and
/// the index's other members. How many sessions it deleted.
///
/// KEYS: user index. ARGV: prefix, user, member to keep (empty: none).
const REMOVE_USER: &str = concat!(
    record!(),
    r"
local removed = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if member ~= ARGV[3] then
    local key = ARGV[1] .. 's:' .. member
    local f = record(key)
    if f and f.user == ARGV[2] then
      redis.call('DEL', key)
      removed = removed + 1
    end
    redis.call('ZREM', KEYS[1], member)
  end
end
return removed
"
);

/// Deletes the user's session whose hex key starts with the handle. 1 if it deleted one.
///
/// KEYS: user index. ARGV: prefix, user, handle (hex).
const REMOVE_HANDLE: &str = concat!(
    record!(),
    r"
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, 1, #ARGV[3]) == ARGV[3] then
    local key = ARGV[1] .. 's:' .. member
    local f = record(key)
    if f and f.user == ARGV[2] then
      redis.call('DEL', key)
      redis.call('ZREM', KEYS[1], member)
      return 1
    end
  end
end
return 0
"
);

/// The user's live sessions, two values each: member, packed record. Reads only.
///
/// KEYS: user index. ARGV: prefix, user, now, seen after.
const LIST: &str = concat!(
    record!(),
    r"
local out = {}
local now, seen_after = tonumber(ARGV[3]), tonumber(ARGV[4])
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local f = record(ARGV[1] .. 's:' .. member)
  if f and f.user == ARGV[2] and tonumber(f.expires) > now and tonumber(f.seen) > seen_after then
    out[#out + 1] = member
    out[#out + 1] = f.r
  end
end
return out
"
);

/// Deletes those of the given session keys that are not live, with their index members.
/// How many it deleted.
///
/// KEYS: session keys (one SCAN batch). ARGV: prefix, now, seen after.
const PURGE: &str = concat!(
    record!(),
    r"
local removed = 0
local now, seen_after = tonumber(ARGV[2]), tonumber(ARGV[3])
for _, key in ipairs(KEYS) do
  local f = record(key)
  if f and not (tonumber(f.expires) > now and tonumber(f.seen) > seen_after) then
    redis.call('DEL', key)
    redis.call('ZREM', ARGV[1] .. 'u:' .. f.user, string.sub(key, #ARGV[1] + 3))
    removed = removed + 1
  end
end
return removed
"
);

/// Every script, loaded once per process (`Script` keeps the SHA-1; a Redis that lost its
/// script cache, after a restart, is sent the script again).
pub(crate) struct Scripts {
    pub(crate) insert: Script,
    pub(crate) touch: Script,
    pub(crate) rekey: Script,
    pub(crate) remove: Script,
    pub(crate) remove_expired: Script,
    pub(crate) remove_user: Script,
    pub(crate) remove_handle: Script,
    pub(crate) list: Script,
    pub(crate) purge: Script,
}

pub(crate) static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    insert: Script::new(INSERT),
    touch: Script::new(TOUCH),
    rekey: Script::new(REKEY),
    remove: Script::new(REMOVE),
    remove_expired: Script::new(REMOVE_EXPIRED),
    remove_user: Script::new(REMOVE_USER),
    remove_handle: Script::new(REMOVE_HANDLE),
    list: Script::new(LIST),
    purge: Script::new(PURGE),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_ttl_agrees_with_the_lua() {
        assert!(INSERT.contains(&format!("local MAX_TTL = {MAX_TTL}\n")));
    }
}
