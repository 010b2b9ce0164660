package dev.quill.server;

import dev.quill.server.config.QuillConfig;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.MemoryConversationStore;

import java.time.Clock;

/** Picks the conversation store the configuration names. */
final class Stores {

    private Stores() {
    }

    static ConversationStore open(QuillConfig config) {
        if (config.usesRedis()) {
            throw new IllegalArgumentException("store.redis is set but the Redis store is not wired in yet");
        }
        return new MemoryConversationStore(config.idleExpiry(), Clock.systemUTC());
    }
}
