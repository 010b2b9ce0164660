package dev.quill.server.store;

import io.vertx.core.Future;

import java.util.List;

/**
 * Where conversations live: Redis (through Lettuce's asynchronous API) or memory, the embedded
 * default. Every method returns at once; futures complete on the caller's Vert.x context, and
 * fail with {@link StoreUnavailableException} when the store cannot be reached.
 */
public interface ConversationStore extends AutoCloseable {

    /** The messages of a conversation, oldest first; empty if it does not exist (or expired). */
    Future<List<StoredMessage>> history(String conversationId);

    /**
     * Appends a message and refreshes the conversation's idle expiry. Idempotent on the message
     * id: a retried or replayed append of the same id stores nothing more.
     */
    Future<Void> append(String conversationId, StoredMessage message);

    /** Whether the store answers (for /health/ready). */
    Future<Void> ping();

    @Override
    void close();
}
