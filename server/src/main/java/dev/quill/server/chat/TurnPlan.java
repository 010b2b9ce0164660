package dev.quill.server.chat;

import dev.quill.model.template.ChatMessage;
import dev.quill.server.store.ConversationNotFoundException;
import dev.quill.server.store.ConversationTree;
import dev.quill.server.store.StoredConversation;
import dev.quill.server.store.StoredMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What to do with one turn of a stored conversation, decided from what the store holds:
 * generate it (storing the client's messages once the engine has admitted it), generate it again
 * without storing them twice (a retry of a turn that failed midway), or replay its stored answer
 * (a retry of a turn that was answered). Also where a stored conversation's rules are enforced:
 * it is the caller's, and it takes no new {@code system}, {@code developer} or {@code assistant}
 * turns once it has messages.
 *
 * @param history the stored messages the prompt continues: all of them, or for a retried turn
 *     those before it
 * @param storeMessages whether the client's messages still have to be stored
 * @param answer the turn's stored answer, to replay; null when it has to be generated
 * @param attempt the number of the answer to store (2 or more after answers that were cut off)
 * @param parent the message the turn's first message follows ({@link ConversationTree#ROOT} for a
 *     conversation's first): the active leaf, or for a new version the parent of the one it replaces
 * @param answerAfter the answer cut off before, which a retried turn's new answer follows (so the
 *     history reads as before branches: the cut-off answer, then the new one); null otherwise
 */
record TurnPlan(List<StoredMessage> history, boolean storeMessages, StoredMessage answer, int attempt, String parent,
                String answerAfter) {

    /** Roles a conversation with messages may be given: the user speaks, tools report. */
    private static final Set<String> LATER_ROLES = Set.of("user", "tool");

    /** A conversation the store does not hold yet: the turn that makes it. */
    static TurnPlan fresh() {
        return new TurnPlan(List.of(), true, null, 1, ConversationTree.ROOT, null);
    }

    /**
     * @throws ConversationNotFoundException when the conversation does not exist or is another's
     * @throws ApiException invalid_request for roles the conversation may not be given,
     *     turn_conflict when a stored turn of this id said something else
     */
    static TurnPlan of(ChatRequest req, Optional<StoredConversation> stored) {
        StoredConversation c = stored.filter(found -> found.ownedBy(req.turn().owner()))
                .orElseThrow(() -> new ConversationNotFoundException(req.conversationId()));
        List<StoredMessage> all = c.messages();
        ConversationTree tree = c.tree();
        int first = -1;
        List<StoredMessage> sent = new ArrayList<>();
        List<StoredMessage> answers = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            StoredMessage m = all.get(i);
            if (req.turn().owns(m.id())) {
                first = first < 0 ? i : first;
                (m.role().equals("assistant") && m.finishReason() != null ? answers : sent).add(m);
            }
        }
        if (first < 0) {
            checkRoles(req.messages(), all.isEmpty());
            String parent = parentOf(req, tree);
            if (tree.childrenOf(parent).size() >= ConversationTree.MAX_VERSIONS) {
                throw new ApiException(ApiError.invalid("a message may have at most " + ConversationTree.MAX_VERSIONS
                        + " versions (edits or regenerated answers); continue from one of them", "message"));
            }
            return new TurnPlan(tree.pathTo(parent), true, null, 1, parent, null);
        }
        if (!sameMessages(sent, req.messages())) {
            throw new ApiException(ApiError.turnConflict("turn " + req.turn().id()
                    + " is already stored with other messages; a new message needs a new turn id"));
        }
        StoredMessage done = answers.stream().filter(a -> !a.finishReason().equals("cancelled")).findFirst().orElse(null);
        String parent = tree.parentOf(all.get(first).id());
        String cutOff = answers.isEmpty() ? null : answers.get(answers.size() - 1).id();
        return new TurnPlan(tree.pathTo(parent), false, done, answers.size() + 1, parent, cutOff);
    }

    /**
     * Where a new turn attaches. A chat continues the active branch; an edit is a sibling of the
     * user message it replaces; a regeneration (no messages) is a sibling of the answer it
     * replaces, by default the active branch's last, or answers its last message when that is the
     * user's (an answer that was never stored).
     */
    private static String parentOf(ChatRequest req, ConversationTree tree) {
        String replaces = req.turn().replaces();
        boolean regenerate = req.messages().isEmpty();
        if (replaces == null) {
            if (!regenerate) {
                return tree.leaf();
            }
            StoredMessage leaf = tree.message(tree.leaf());
            if (leaf != null && leaf.role().equals("user")) {
                return leaf.id();
            }
            StoredMessage answer = tree.lastAnswer();
            if (answer == null) {
                throw new ApiException(ApiError.invalid("the conversation has no answer to regenerate", "message"));
            }
            replaces = answer.id();
        }
        StoredMessage replaced = tree.message(replaces);
        String role = regenerate ? "assistant" : "user";
        if (replaced == null || !replaced.role().equals(role)) {
            throw new ApiException(ApiError.invalid("the conversation holds no " + role + " message '"
                    + replaces + "' to " + (regenerate ? "regenerate" : "edit"), "message"));
        }
        return tree.parentOf(replaces);
    }

    private static void checkRoles(List<ChatMessage> messages, boolean creating) {
        for (ChatMessage m : messages) {
            boolean setup = m.role().equals("system") || m.role().equals("developer");
            if (!LATER_ROLES.contains(m.role()) && !(creating && setup)) {
                throw new ApiException(ApiError.invalid("a stored conversation takes only 'user' and 'tool' messages"
                        + " (a 'system' or 'developer' one only in its first turn); '" + m.role() + "' is refused",
                        "messages"));
            }
        }
    }

    private static boolean sameMessages(List<StoredMessage> stored, List<ChatMessage> sent) {
        if (stored.size() != sent.size()) {
            return false;
        }
        for (int i = 0; i < stored.size(); i++) {
            if (!stored.get(i).role().equals(sent.get(i).role()) || !stored.get(i).content().equals(sent.get(i).content())) {
                return false;
            }
        }
        return true;
    }
}
