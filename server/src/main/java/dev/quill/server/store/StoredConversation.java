package dev.quill.server.store;

import java.util.List;

/**
 * A conversation as the store holds it.
 *
 * @param owner who may use it: the identity of the API key that made it, or
 *     {@link ConversationStore#NO_OWNER} when it was made without keys configured
 * @param messages its messages, every branch, in the order they were stored; empty for a
 *     conversation made but not yet used
 * @param title the title its owner gave it, or null (then the page shows its first message)
 * @param active the leaf of the branch being read, chosen by a switch; null for the last message
 *     stored (an append makes what it stored the active branch)
 */
public record StoredConversation(String owner, List<StoredMessage> messages, String title, String active) {

    public StoredConversation {
        messages = List.copyOf(messages);
    }

    /** A conversation without a title, on the branch last stored. */
    public StoredConversation(String owner, List<StoredMessage> messages) {
        this(owner, messages, null, null);
    }

    /** Whether {@code caller} may read and extend it. */
    public boolean ownedBy(String caller) {
        return owner.equals(caller);
    }

    /** Its messages as a tree, with the active branch. */
    public ConversationTree tree() {
        return new ConversationTree(messages, active);
    }
}
