package dev.quill.server.store;

import dev.quill.server.testing.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/**
 * The store's contract on a Redis Cluster of three masters ({@code redis-cluster://}). Every
 * script names keys of one slot (the hash tags of {@link RedisConversationStore}'s layout), so a
 * script that reached for another slot would fail here with CROSSSLOT; random conversation ids
 * spread the tests over all three masters.
 */
class RedisClusterStoreTest extends ConversationStoreContractTest {

    private static RedisCluster redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisCluster.start();
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
