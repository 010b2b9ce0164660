package dev.quill.server.chat;

import dev.quill.model.grammar.Grammar;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.template.ChatMessage;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.toolcall.ToolUse;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One generation asked for by a client, whatever the protocol.
 *
 * @param id request id (the response's id over HTTP)
 * @param conversationId load and extend this stored conversation, or null for a stateless request
 * @param messages chat messages to append (and, without a conversation, the whole conversation);
 *     null for a raw completion
 * @param rawPrompt the prompt of /v1/completions, or null for chat
 * @param params sampling; maxTokens is the request's own or, when {@code maxTokensGiven} is false, a
 *     default that is lowered to what the context leaves
 * @param maxTokensGiven whether the client set max_tokens (then too large is an error, as in OpenAI's API)
 * @param turn whose conversation it is and which turn of it this is
 * @param grammar the document the answer must be (OpenAI's {@code response_format}), or null for
 *     free text; see {@link #answerGrammar} for what the engine is given
 * @param tools the tools offered and how they may be used, or null when none are
 */
public record ChatRequest(String id, String conversationId, List<ChatMessage> messages, String rawPrompt,
                          SamplingParams params, boolean maxTokensGiven, Turn turn, Grammar grammar, ToolUse tools) {

    /** A request of no API key's, its turn id its request id: a turn no client can retry. */
    public ChatRequest(String id, String conversationId, List<ChatMessage> messages, String rawPrompt,
                       SamplingParams params, boolean maxTokensGiven) {
        this(id, conversationId, messages, rawPrompt, params, maxTokensGiven, Turn.unnamed(ConversationStore.NO_OWNER, id),
                null, null);
    }

    /** A free-text request of the given turn. */
    public ChatRequest(String id, String conversationId, List<ChatMessage> messages, String rawPrompt,
                       SamplingParams params, boolean maxTokensGiven, Turn turn) {
        this(id, conversationId, messages, rawPrompt, params, maxTokensGiven, turn, null, null);
    }

    /** The same request as another turn (the caller's identity and turn id, known to the protocol handler). */
    public ChatRequest withTurn(Turn turn) {
        return new ChatRequest(id, conversationId, messages, rawPrompt, params, maxTokensGiven, turn, grammar, tools);
    }

    /** The same request with its answer constrained to {@code grammar} (null: free text). */
    public ChatRequest withGrammar(Grammar grammar) {
        return new ChatRequest(id, conversationId, messages, rawPrompt, params, maxTokensGiven, turn, grammar, tools);
    }

    /**
     * The grammar the answer is held to: the forced calls' (compiled now, if not yet: call it off
     * the event loop) or {@code response_format}'s; null for free text.
     */
    public Grammar answerGrammar() {
        return tools != null && tools.constrained() ? tools.grammar() : grammar;
    }

    /**
     * The same request offering {@code tools} (null: none). A forced call is the answer's grammar,
     * so it cannot be asked for together with {@code response_format}.
     */
    public ChatRequest withTools(ToolUse tools) {
        if (tools != null && tools.constrained() && grammar != null) {
            throw new ApiException(ApiError.invalid("a forced tool call (tool_choice required or a named function) "
                    + "and response_format json_object/json_schema cannot be asked for together", "tool_choice"));
        }
        return new ChatRequest(id, conversationId, messages, rawPrompt, params, maxTokensGiven, turn, grammar, tools);
    }

    /**
     * Who asks, and which turn of the conversation this is. A stored message's id is the turn id
     * then {@code :m0}, {@code :m1}... for the client's messages and {@code :a} for the answer, so
     * a retried turn finds what it already stored. Turn ids are scoped to their conversation
     * (message ids are unique per conversation), and so to its owner.
     *
     * @param owner the caller's identity ({@code http.Access#identity}); {@link ConversationStore#NO_OWNER} without keys
     * @param id the turn id: the client's (a WebSocket {@code turn}, an HTTP {@code Idempotency-Key}) or one made up
     * @param named whether the client named it, so that a retry of it is recognised
     * @param newConversation whether the conversation id was issued for this turn (the store then makes it)
     * @param replaces the message this turn makes a new version of (an edited user message, a
     *     regenerated answer; see {@code store.ConversationTree}), or null to continue the active branch
     */
    public record Turn(String owner, String id, boolean named, boolean newConversation, String replaces) {

        public Turn(String owner, String id, boolean named, boolean newConversation) {
            this(owner, id, named, newConversation, null);
        }

        /** Longest turn id a client may give. */
        public static final int MAX_ID_LENGTH = 128;

        /** What a client's turn id may hold: it becomes part of message ids, which use ':' as separator. */
        private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_ID_LENGTH + "}");

        /** A turn the server names: nothing can retry it. */
        public static Turn unnamed(String owner, String id) {
            return new Turn(owner, id, false, false);
        }

        /** A turn the client named; refused as invalid_request (naming {@code param}) when the id is malformed. */
        public static Turn named(String owner, String id, String param) {
            if (id == null || !ID.matcher(id).matches()) {
                throw new ApiException(ApiError.invalid(param + " must be 1 to " + MAX_ID_LENGTH
                        + " letters, digits, '.', '-' or '_'", param));
            }
            return new Turn(owner, id, true, false);
        }

        /** The same turn in a conversation whose id was issued for it. */
        public Turn inNewConversation() {
            return new Turn(owner, id, named, true, replaces);
        }

        /** The same turn as a new version of a stored message: a sibling of it, not its continuation. */
        public Turn replacing(String messageId) {
            return new Turn(owner, id, named, newConversation, messageId);
        }

        /** The id of the turn's {@code index}th message from the client. */
        public String messageId(int index) {
            return id + ":m" + index;
        }

        /** The id of the turn's answer; a turn whose earlier answers were cut off gets {@code :a2}, {@code :a3}... */
        public String answerId(int attempt) {
            return attempt <= 1 ? id + ":a" : id + ":a" + attempt;
        }

        /** Whether a stored message belongs to this turn. */
        public boolean owns(String messageId) {
            return messageId.startsWith(id + ":");
        }
    }
}
