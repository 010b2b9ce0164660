package dev.quill.server.store;

import dev.quill.server.testing.RedisSentinels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The store's contract through Redis Sentinel: one master, one replica, three sentinels, found by {@code redis-sentinel://}. */
class RedisSentinelStoreTest extends ConversationStoreContractTest {

    private static RedisSentinels redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisSentinels.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    ConversationStore newStore(Duration idleExpiry) {
        return RedisConversationStore.connect(redis.uri(), idleExpiry, "quill-test:", Duration.ofSeconds(2));
    }
}
