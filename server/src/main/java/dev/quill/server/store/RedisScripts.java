package dev.quill.server.store;

/**
 * The Lua scripts of {@link RedisConversationStore}, one per operation that must read and write
 * several keys of one hash slot in one atomic step. Key layout: see the store's Javadoc.
 */
final class RedisScripts {

    private RedisScripts() {
    }

    /**
     * KEYS[1] the message list, KEYS[2] the id set, KEYS[3] the meta hash; ARGV[1] the caller's
     * identity, ARGV[2] "1" to make the conversation if it does not exist, ARGV[3] idle expiry in
     * ms, then pairs of message id and message JSON. Returns how many messages were stored, or -1
     * when the conversation is another owner's or does not exist (and may not be made). If the
     * list is gone (expired) its id set is stale: drop it so a re-created conversation starts clean.
     * Storing anything makes it the active branch again (no active field: the last message).
     */
    static final String APPEND_SCRIPT = """
            local owner = redis.call('HGET', KEYS[3], 'owner')
            if not owner then
              if redis.call('EXISTS', KEYS[1]) == 1 then owner = ''
              elseif ARGV[2] == '1' then owner = ARGV[1]
              else return -1 end
              redis.call('HSET', KEYS[3], 'owner', owner)
            end
            if owner ~= ARGV[1] then return -1 end
            if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) end
            local added = 0
            for i = 4, #ARGV, 2 do
              if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
                redis.call('RPUSH', KEYS[1], ARGV[i + 1])
                added = added + 1
              end
            end
            if added > 0 then redis.call('HDEL', KEYS[3], 'active') end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[3], ARGV[3])
            return added
            """;

    /**
     * KEYS[1] the message list, KEYS[2] the meta hash. Returns nothing when the conversation does
     * not exist, else its owner, title and active leaf ('' when not set) followed by its messages'
     * JSON, oldest first; read in one step, so the facts and the messages belong together.
     */
    static final String CONVERSATION_SCRIPT = """
            local meta = redis.call('HMGET', KEYS[2], 'owner', 'title', 'active')
            local entries = redis.call('LRANGE', KEYS[1], 0, -1)
            local owner = meta[1]
            if not owner then
              if #entries == 0 then return {} end
              owner = ''
            end
            table.insert(entries, 1, meta[3] or '')
            table.insert(entries, 1, meta[2] or '')
            table.insert(entries, 1, owner)
            return entries
            """;

    /** The owner check the scripts below share: the meta hash's owner, '' for a list stored before owners. */
    private static final String OWNER = """
            local owner = redis.call('HGET', KEYS[3], 'owner')
            if not owner and redis.call('EXISTS', KEYS[1]) == 1 then owner = '' end
            if owner ~= ARGV[1] then return 0 end
            """;

    /**
     * KEYS[1] the message list, KEYS[2] the id set, KEYS[3] the meta hash; ARGV[1] the caller's
     * identity. Deletes the conversation: 1, or 0 when it does not exist or is another's.
     */
    static final String DELETE_SCRIPT = OWNER + """
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            return 1
            """;

    /**
     * KEYS as for delete; ARGV[1] the caller's identity, ARGV[2] the field ('title' or 'active'),
     * ARGV[3] its value. Returns 1 when set, 0 when the conversation does not exist or is
     * another's, 2 when an active leaf is not one of its messages. The meta hash takes the list's
     * remaining lifetime (it may be new, for a list stored before owners).
     */
    static final String SET_META_SCRIPT = OWNER + """
            if ARGV[2] == 'active' and redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 0 then return 2 end
            redis.call('HSET', KEYS[3], 'owner', owner, ARGV[2], ARGV[3])
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
            return 1
            """;

    /** KEYS[1] the client's sorted set, KEYS[2] its title hash; ARGV[1] a conversation id to drop. */
    static final String FORGET_SCRIPT = """
            redis.call('ZREM', KEYS[1], ARGV[1])
            return redis.call('HDEL', KEYS[2], ARGV[1])
            """;

    /** KEYS as for forget; ARGV[1] a conversation id, ARGV[2] its new title, set only if the list names it. */
    static final String RETITLE_SCRIPT = """
            if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
            return redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            """;

    /**
     * KEYS[1] the client's sorted set, KEYS[2] its title hash; ARGV[1] conversation id, ARGV[2]
     * title, ARGV[3] idle expiry in ms, ARGV[4] most entries kept, ARGV[5] "1" to change nothing
     * when the list names the conversation already. The score is Redis's time, or
     * one more than the newest score when that is not older (two remembers in one millisecond
     * still order). Entries older than the idle expiry, and the oldest beyond the bound, go.
     * Redis 5+ replicates a script's effects, so reading TIME here is allowed.
     */
    static final String REMEMBER_SCRIPT = """
            if ARGV[5] == '1' and redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local score = now
            if top[2] and tonumber(top[2]) >= score then score = tonumber(top[2]) + 1 end
            redis.call('ZADD', KEYS[1], string.format('%d', score), ARGV[1])
            redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
            local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('(%d', now - tonumber(ARGV[3])))
            local extra = redis.call('ZCARD', KEYS[1]) - #gone - tonumber(ARGV[4])
            if extra > 0 then
              for _, id in ipairs(redis.call('ZRANGE', KEYS[1], #gone, #gone + extra - 1)) do gone[#gone + 1] = id end
            end
            if #gone > 0 then
              redis.call('ZREM', KEYS[1], unpack(gone))
              redis.call('HDEL', KEYS[2], unpack(gone))
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            return #gone
            """;

    /**
     * KEYS[1] the client's sorted set, KEYS[2] its title hash; ARGV[1] idle expiry in ms, ARGV[2]
     * most entries returned. Returns a flat list: id, update time, title, id, ... newest first,
     * leaving out entries older than the idle expiry.
     */
    static final String CONVERSATIONS_SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local entries = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', string.format('%d', now - tonumber(ARGV[1])),
                'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
            local out = {}
            for i = 1, #entries, 2 do
              out[#out + 1] = entries[i]
              out[#out + 1] = entries[i + 1]
              out[#out + 1] = redis.call('HGET', KEYS[2], entries[i]) or ''
            end
            return out
            """;
}
