package dev.quill.server;

import dev.quill.server.config.QuillConfig;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.MemoryConversationStore;
import dev.quill.server.store.RedisConversationStore;

import java.time.Clock;

/** Picks the conversation store the configuration names. */
final class Stores {

    private Stores() {
    }

    static ConversationStore open(QuillConfig config) {
        if (config.usesRedis()) {
            return RedisConversationStore.connect(config.redisUri(), config.idleExpiry(), config.keyPrefix(),
                    config.storeTimeout());
        }
        return new MemoryConversationStore(config.idleExpiry(), Clock.systemUTC());
    }
}
