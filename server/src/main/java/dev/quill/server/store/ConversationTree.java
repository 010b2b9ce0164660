package dev.quill.server.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A conversation's messages as a tree. Editing a message or regenerating an answer stores a
 * sibling of it (the same parent), so each message may have several versions; the conversation
 * reads along one path, from the root to its active leaf, and that path is what a prompt
 * continues and what {@code history} shows. Switching to another version makes the latest leaf
 * under it the active one.
 *
 * <p>A message without a parent (stored before branches existed) follows the message stored
 * before it, so an old conversation is one path, read as before. Built per read; not shared.
 */
public final class ConversationTree {

    /** The parent of a conversation's first messages. */
    public static final String ROOT = "";

    /** Most versions of one message (edits of it, or regenerated answers): a bound on what a client can pile up. */
    public static final int MAX_VERSIONS = 32;

    private final List<StoredMessage> messages;
    private final Map<String, StoredMessage> byId = new HashMap<>();
    private final Map<String, String> parents = new HashMap<>();
    private final Map<String, List<String>> children = new HashMap<>();
    private final String leaf;

    /** @param active the leaf chosen by a switch, or null (or an id not here) for the last message stored */
    public ConversationTree(List<StoredMessage> messages, String active) {
        this.messages = messages;
        String previous = ROOT;
        for (StoredMessage m : messages) {
            String parent = m.parent() != null ? m.parent() : previous;
            byId.put(m.id(), m);
            parents.put(m.id(), parent);
            children.computeIfAbsent(parent, p -> new ArrayList<>()).add(m.id());
            previous = m.id();
        }
        this.leaf = active != null && byId.containsKey(active) ? active : previous;
    }

    /** Whether the conversation holds a message of this id. */
    public boolean contains(String id) {
        return byId.containsKey(id);
    }

    public StoredMessage message(String id) {
        return byId.get(id);
    }

    /** The parent of a message held here ({@link #ROOT} for a first message). */
    public String parentOf(String id) {
        return parents.get(id);
    }

    /** The active path, root first: what the conversation reads as now. */
    public List<StoredMessage> path() {
        return pathTo(leaf);
    }

    /** The id of the active path's last message, or {@link #ROOT} when the conversation is empty. */
    public String leaf() {
        return leaf;
    }

    /** The messages from the root down to {@code id}, inclusive; empty for {@link #ROOT}. */
    public List<StoredMessage> pathTo(String id) {
        List<StoredMessage> path = new ArrayList<>();
        String at = id;
        while (byId.containsKey(at) && path.size() <= messages.size()) { // the bound only guards against a corrupt store
            path.add(byId.get(at));
            at = parents.get(at);
        }
        Collections.reverse(path);
        return path;
    }

    /** The versions of a message: the children of its parent, in the order they were stored. */
    public List<String> versionsOf(String id) {
        return childrenOf(parents.get(id));
    }

    /** The messages that follow {@code parent} directly, oldest first. */
    public List<String> childrenOf(String parent) {
        return parent == null ? List.of() : children.getOrDefault(parent, List.of());
    }

    /** The last message stored under {@code id} (itself, when nothing follows it): a leaf, since children come after parents. */
    public String latestLeafUnder(String id) {
        Set<String> under = new HashSet<>();
        under.add(id);
        String latest = id;
        for (StoredMessage m : messages) {
            if (under.contains(parents.get(m.id()))) {
                under.add(m.id());
                latest = m.id();
            }
        }
        return latest;
    }

    /** The last assistant message on the active path, or null. */
    public StoredMessage lastAnswer() {
        List<StoredMessage> path = path();
        for (int i = path.size() - 1; i >= 0; i--) {
            if (path.get(i).role().equals("assistant")) {
                return path.get(i);
            }
        }
        return null;
    }
}
