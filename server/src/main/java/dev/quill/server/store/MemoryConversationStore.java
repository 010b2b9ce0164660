package dev.quill.server.store;

import io.vertx.core.Future;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded default: conversations in this process's memory, lost on restart, expired after
 * the same idle time as in Redis. Thread-safe; nothing here blocks.
 */
public final class MemoryConversationStore implements ConversationStore {

    private record Conversation(List<StoredMessage> messages, long lastUsedMillis) {
    }

    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final Duration idleExpiry;
    private final Clock clock;

    public MemoryConversationStore(Duration idleExpiry, Clock clock) {
        this.idleExpiry = idleExpiry;
        this.clock = clock;
    }

    @Override
    public Future<List<StoredMessage>> history(String conversationId) {
        Conversation c = conversations.get(conversationId);
        if (c == null || expired(c)) {
            conversations.remove(conversationId);
            return Future.succeededFuture(List.of());
        }
        synchronized (c.messages()) {
            return Future.succeededFuture(List.copyOf(c.messages()));
        }
    }

    @Override
    public Future<Void> append(String conversationId, StoredMessage message) {
        long now = clock.millis();
        conversations.compute(conversationId, (id, c) -> {
            List<StoredMessage> list = c == null || expired(c) ? new ArrayList<>() : c.messages();
            synchronized (list) {
                if (list.stream().noneMatch(m -> m.id().equals(message.id()))) {
                    list.add(message);
                }
            }
            return new Conversation(list, now);
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> ping() {
        return Future.succeededFuture();
    }

    private boolean expired(Conversation c) {
        return clock.millis() - c.lastUsedMillis() > idleExpiry.toMillis();
    }

    @Override
    public void close() {
        conversations.clear();
    }
}
