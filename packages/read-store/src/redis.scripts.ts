// The Lua scripts of the Redis read store. Each runs atomically in Redis; together with a
// revision number per view they make read-compute-write updates safe across processes.
// Key layout under a prefix P: `P:meta` (hash: current, building, last), `P:g<N>:v:<key>` (hash: doc,
// idx, rev, v:<source>), `P:g<N>:i:<index>` (sorted set, score 0, lexicographic), `P:g<N>:lagging`.
// Keys are derived inside scripts from the generation, so one store lives on one Redis primary.

const COMMON = `
local function current(meta)
  return redis.call('HGET', meta, 'current') or '1'
end
local function dominates(ahead, behind)
  local fields = redis.call('HGETALL', behind)
  for i = 1, #fields, 2 do
    local f = fields[i]
    if string.sub(f, 1, 2) == 'v:' then
      local mine = tonumber(redis.call('HGET', ahead, f) or '0')
      if mine < tonumber(fields[i + 1]) then return false end
    end
  end
  return true
end
`;

/** KEYS: meta. ARGV: prefix. Returns {current, building or ''}. */
export const RESOLVE = `
local b = redis.call('HGET', KEYS[1], 'building') or ''
return {redis.call('HGET', KEYS[1], 'current') or '1', b}
`;

/** KEYS: meta. ARGV: prefix, view keys... Returns, per key, its hash as a flat array (empty if absent). */
export const GET_MANY = `${COMMON}
local g = current(KEYS[1])
local out = {}
for i = 2, #ARGV do
  out[i - 1] = redis.call('HGETALL', ARGV[1] .. ':g' .. g .. ':v:' .. ARGV[i])
end
return out
`;

/** KEYS: meta. ARGV: prefix, index, cursor member or '', limit. Greatest first. */
export const PAGE = `${COMMON}
local g = current(KEYS[1])
local max = '+'
if ARGV[3] ~= '' then max = '(' .. ARGV[3] end
return redis.call('ZREVRANGEBYLEX', ARGV[1] .. ':g' .. g .. ':i:' .. ARGV[2], max, '-', 'LIMIT', 0, tonumber(ARGV[4]))
`;

/**
 * KEYS: meta. ARGV: prefix, generation, mode ('current' | 'live' | 'replay'), view key, expected
 * revision, source, version, accept a gap (1 | 0), doc, idx (JSON), removes count, then (index, member) pairs to remove,
 * then pairs to add. Returns 'applied' | 'stale' | 'gap' | 'conflict' (re-read and retry) |
 * 'moved' (the generation is no longer the one named; resolve again).
 */
export const APPLY = `${COMMON}
local meta, prefix, gen, mode, key = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if mode == 'current' then
  if current(meta) ~= gen then return 'moved' end
elseif redis.call('HGET', meta, 'building') ~= gen then
  return 'moved'
end
local base = prefix .. ':g' .. gen
local view = base .. ':v:' .. key
local rev = tonumber(redis.call('HGET', view, 'rev') or '0')
if rev ~= tonumber(ARGV[5]) then return 'conflict' end
local field = 'v:' .. ARGV[6]
local have = tonumber(redis.call('HGET', view, field) or '0')
local version = tonumber(ARGV[7])
if version <= have then return 'stale' end
if version > have + 1 and ARGV[8] ~= '1' then
  if mode == 'live' then redis.call('SADD', base .. ':lagging', key) end
  return 'gap'
end
redis.call('HSET', view, 'doc', ARGV[9], 'idx', ARGV[10], 'rev', rev + 1, field, version)
local removes = tonumber(ARGV[11])
local i = 12
for _ = 1, removes do
  redis.call('ZREM', base .. ':i:' .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i < #ARGV do
  redis.call('ZADD', base .. ':i:' .. ARGV[i], 0, ARGV[i + 1])
  i = i + 2
end
if mode == 'current' then
  -- Caches in front of the store drop the view (view-cache.ts).
  redis.call('PUBLISH', prefix .. ':changed', key)
elseif redis.call('SISMEMBER', base .. ':lagging', key) == 1 then
  if dominates(view, prefix .. ':g' .. current(meta) .. ':v:' .. key) then
    redis.call('SREM', base .. ':lagging', key)
  end
end
return 'applied'
`;

/** KEYS: meta. ARGV: prefix. Returns the new generation, or {'busy', generation}. */
export const BEGIN = `
local b = redis.call('HGET', KEYS[1], 'building')
if b then return {'busy', b} end
redis.call('HSETNX', KEYS[1], 'current', '1')
redis.call('HSETNX', KEYS[1], 'last', '1')
local id = redis.call('HINCRBY', KEYS[1], 'last', 1)
redis.call('HSET', KEYS[1], 'building', id)
return {'ok', tostring(id)}
`;

/**
 * KEYS: meta. ARGV: prefix, generation. Switches readers to the generation unless a lagging view
 * is still behind the current one. Returns {'activated', old generation} or {'lagging', keys...}
 * or {'moved'}.
 */
export const ACTIVATE = `${COMMON}
local meta, prefix, gen = KEYS[1], ARGV[1], ARGV[2]
if redis.call('HGET', meta, 'building') ~= gen then return {'moved'} end
local old = current(meta)
local lagging = prefix .. ':g' .. gen .. ':lagging'
for _, key in ipairs(redis.call('SMEMBERS', lagging)) do
  local ahead = prefix .. ':g' .. gen .. ':v:' .. key
  if redis.call('EXISTS', ahead) == 1 and dominates(ahead, prefix .. ':g' .. old .. ':v:' .. key) then
    redis.call('SREM', lagging, key)
  end
end
local left = redis.call('SMEMBERS', lagging)
if #left > 0 then
  table.insert(left, 1, 'lagging')
  return left
end
redis.call('DEL', lagging)
redis.call('HSET', meta, 'current', gen)
redis.call('HDEL', meta, 'building')
redis.call('PUBLISH', prefix .. ':changed', '*')
return {'activated', old}
`;

/** KEYS: meta. ARGV: generation. Stops building it (the keys are then deleted by the client). */
export const ABANDON = `
if redis.call('HGET', KEYS[1], 'building') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'building')
  return 1
end
return 0
`;
