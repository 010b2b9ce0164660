package dev.quill.server.store;

import java.util.List;

/**
 * A conversation as the store holds it.
 *
 * @param owner who may use it: the identity of the API key that made it, or
 *     {@link ConversationStore#NO_OWNER} when it was made without keys configured
 * @param messages its messages, oldest first; empty for a conversation made but not yet used
 */
public record StoredConversation(String owner, List<StoredMessage> messages) {

    public StoredConversation {
        messages = List.copyOf(messages);
    }

    /** Whether {@code caller} may read and extend it. */
    public boolean ownedBy(String caller) {
        return owner.equals(caller);
    }
}
