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

    /** How many conversations a client's list keeps; remembering one more forgets the least recent. */
    int CONVERSATIONS_PER_CLIENT = 50;

    /**
     * Puts a conversation at the top of a client's list (the browser page's sidebar), with the
     * update time now, and refreshes the list's idle expiry. The title is kept from the first
     * call for that conversation; later calls only move it up. The update times of one client
     * strictly increase, so the last one remembered is always first. Entries not updated for the
     * idle expiry are dropped, like the conversations they name.
     *
     * <p>A client id is a label the page keeps, not an identity: whoever knows it sees the list.
     */
    Future<Void> remember(String clientId, String conversationId, String title);

    /** A client's conversations, most recently updated first, at most {@link #CONVERSATIONS_PER_CLIENT}. */
    Future<List<ConversationSummary>> conversations(String clientId);

    /** Whether the store answers (for /health/ready). */
    Future<Void> ping();

    @Override
    void close();
}
