package dev.quill.server.store;

import io.vertx.core.Future;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where conversations live: Redis (through Lettuce's asynchronous API) or memory, the embedded
 * default. Every method returns at once; futures complete on the caller's Vert.x context, and
 * fail with {@link StoreUnavailableException} when the store cannot be reached.
 *
 * <p>Every conversation has an owner, stored with it: the identity of the API key that made it
 * ({@code http.Access#identity}), or {@link #NO_OWNER} when no keys are configured. Appends name
 * the caller's identity and are refused ({@link ConversationNotFoundException}) for another
 * owner's conversation; the check is made inside the append, atomically. Conversation ids are
 * issued by the server ({@link #newConversationId()}); the store makes a conversation only when
 * asked to ({@code create}), never because an append named an unknown id.
 */
public interface ConversationStore extends AutoCloseable {

    /** The owner of conversations made while no API keys are configured. */
    String NO_OWNER = "";

    /**
     * What a conversation id may look like: it becomes part of store keys, so no braces, spaces or
     * separators, and it is bounded. The server issues {@code conv-} and a UUID.
     */
    Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** A new conversation id, for a client that did not name one. */
    static String newConversationId() {
        return "conv-" + UUID.randomUUID();
    }

    /** Whether an id has the shape of one the server issues; others cannot exist in a store. */
    static boolean wellFormedId(String conversationId) {
        return conversationId != null && CONVERSATION_ID.matcher(conversationId).matches();
    }

    /**
     * The id under which an owner's client list is kept: lists are per API key, so two keys whose
     * pages chose the same client id still have two lists. Client ids hold no '.'.
     */
    static String clientListId(String owner, String clientId) {
        return owner.isEmpty() ? clientId : owner + "." + clientId;
    }

    /** The messages of a conversation, oldest first; empty if it does not exist (or expired). */
    Future<List<StoredMessage>> history(String conversationId);

    /**
     * A conversation with its owner, or empty when it does not exist (never made, expired, or an
     * id of the wrong shape). A conversation stored before owners were recorded has {@link #NO_OWNER}.
     */
    Future<Optional<StoredConversation>> conversation(String conversationId);

    /**
     * A conversation that {@code owner} may read; fails with {@link ConversationNotFoundException}
     * when it does not exist or is another owner's (the two look the same).
     */
    default Future<StoredConversation> owned(String conversationId, String owner) {
        return conversation(conversationId).map(c -> c.filter(found -> found.ownedBy(owner))
                .orElseThrow(() -> new ConversationNotFoundException(conversationId)));
    }

    /**
     * The messages of a conversation that {@code owner} may read, every branch; fails with
     * {@link ConversationNotFoundException} when it does not exist or is another owner's.
     */
    default Future<List<StoredMessage>> history(String conversationId, String owner) {
        return conversation(conversationId).map(c -> c.filter(found -> found.ownedBy(owner))
                .orElseThrow(() -> new ConversationNotFoundException(conversationId)).messages());
    }

    /**
     * Appends messages in order, all or none, and refreshes the conversation's idle expiry.
     * Idempotent on the message ids: a retried or replayed append of the same id stores nothing
     * more.
     *
     * @param owner the caller's identity; the conversation must be this owner's
     * @param create whether to make the conversation, owned by {@code owner}, if it does not exist
     *     (its id was just issued); without it an unknown conversation is refused
     * @return fails with {@link ConversationNotFoundException} when the conversation is another
     *     owner's, or does not exist and {@code create} is false
     */
    Future<Void> append(String conversationId, String owner, List<StoredMessage> messages, boolean create);

    /** Makes an empty conversation (an issued id, nothing said yet); a no-op if the owner has it already. */
    default Future<Void> create(String conversationId, String owner) {
        return append(conversationId, owner, List.of(), true);
    }

    /**
     * Appends one message to a conversation without an owner, making it if needed: for tests and
     * tools that seed a store directly. The server itself always names the owner.
     */
    default Future<Void> append(String conversationId, StoredMessage message) {
        return append(conversationId, NO_OWNER, List.of(message), true);
    }

    /** How many conversations a client's list keeps; remembering one more forgets the least recent. */
    int CONVERSATIONS_PER_CLIENT = 50;

    /**
     * Puts a conversation at the top of a client's list (the browser page's sidebar), with the
     * update time now, and refreshes the list's idle expiry. The title is kept from the first
     * call for that conversation; later calls only move it up. The update times of one client
     * strictly increase, so the last one remembered is always first. Entries not updated for the
     * idle expiry are dropped, like the conversations they name.
     *
     * <p>A client id is a label the page keeps, not an identity: whoever knows it (under the same
     * API key, see {@link #clientListId}) sees the list.
     */
    Future<Void> remember(String clientId, String conversationId, String title);

    /**
     * Puts a conversation in a client's list, as {@link #remember} does, unless the list names it
     * already: then its place and title stay. For a conversation opened (by link) rather than
     * chatted in.
     */
    Future<Void> rememberIfAbsent(String clientId, String conversationId, String title);

    /** A client's conversations, most recently updated first, at most {@link #CONVERSATIONS_PER_CLIENT}. */
    Future<List<ConversationSummary>> conversations(String clientId);

    /**
     * Deletes a conversation, every branch of it; fails with {@link ConversationNotFoundException}
     * when it does not exist or is another owner's. Client lists that name it are not touched
     * ({@link #forget} drops it from one); opening it from them finds nothing.
     */
    Future<Void> delete(String conversationId, String owner);

    /**
     * Gives a conversation a title (already checked: one line, at most
     * {@link ConversationSummary#MAX_RENAMED_TITLE_LENGTH} characters); fails with
     * {@link ConversationNotFoundException} as {@link #delete} does.
     */
    Future<Void> rename(String conversationId, String owner, String title);

    /**
     * Makes {@code leafId} the end of the branch the conversation reads along, atomically with the
     * owner check. Succeeds with false, changing nothing, when the conversation holds no message
     * of that id; fails with {@link ConversationNotFoundException} as {@link #delete} does. The
     * next append makes what it stores the active branch again.
     */
    Future<Boolean> activate(String conversationId, String owner, String leafId);

    /**
     * Switches a conversation to the version {@code messageId} of a message: the latest leaf under
     * it becomes active. Succeeds with false when there is no such message.
     */
    default Future<Boolean> switchTo(String conversationId, String owner, String messageId) {
        return conversation(conversationId).compose(found -> {
            StoredConversation c = found.filter(x -> x.ownedBy(owner))
                    .orElseThrow(() -> new ConversationNotFoundException(conversationId));
            ConversationTree tree = c.tree();
            return tree.contains(messageId)
                    ? activate(conversationId, owner, tree.latestLeafUnder(messageId))
                    : Future.succeededFuture(false);
        });
    }

    /** Drops a conversation from a client's list; nothing if the list does not name it. */
    Future<Void> forget(String clientId, String conversationId);

    /** Changes a conversation's title in a client's list, if the list names it; its place stays. */
    Future<Void> retitle(String clientId, String conversationId, String title);

    /**
     * The conversations of a client's list that {@code owner} may read and whose title or any
     * message (any branch) holds {@code query}, ignoring case; newest first. Reads each listed
     * conversation (at most {@link #CONVERSATIONS_PER_CLIENT}).
     */
    default Future<List<ConversationSearch.Hit>> search(String clientId, String owner, String query) {
        return ConversationSearch.run(this, clientId, owner, query);
    }

    /** Whether the store answers (for /health/ready). */
    Future<Void> ping();

    @Override
    void close();
}
