package dev.quill.server.ws;

import dev.quill.server.store.RedisConversationStore;
import dev.quill.server.testing.RedisServer;
import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** {@link ConversationOpsTest} over a real redis-server. */
class RedisConversationOpsTest extends ConversationOpsTest {

    static RedisServer redis;

    @BeforeAll
    static void startServer() throws Exception {
        redis = RedisServer.ephemeral();
        quill = ServerFixture.start(dir, Map.of("auth.api_keys", "k1,k2", "store.redis", redis.uri()),
                c -> RedisConversationStore.connect(c.redisUri(), c.idleExpiry(), c.keyPrefix(), c.storeTimeout()));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
