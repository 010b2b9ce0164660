package dev.quill.server.loadtest;

import io.vertx.core.Future;

/**
 * One simulated user: a connection and the conversation it is having. One turn at a time: the
 * next is sent only after the last one's future completed. Confined to the run's event loop.
 */
interface ChatSession {

    /**
     * One user message and how long an answer to ask for.
     *
     * @param system a system prompt to send with it (a conversation's first turn), or null
     * @param responseFormat OpenAI's {@code response_format} to send with it (SSE), or null
     */
    record Turn(String system, String content, int maxTokens, boolean ignoreEos, Double temperature,
                io.vertx.core.json.JsonObject responseFormat) {

        Turn(String system, String content, int maxTokens, boolean ignoreEos, Double temperature) {
            this(system, content, maxTokens, ignoreEos, temperature, null);
        }
    }

    /**
     * Sends the turn as the next message of the conversation and streams the answer into the
     * trace. The future always succeeds, with the trace's record: a refused or broken request is
     * a FAILED record, not a failed future.
     */
    Future<RequestRecord> send(Turn turn, RequestTrace trace);

    /** The next turn starts a new conversation. */
    void newConversation();

    /**
     * Whether a turn that failed with {@code error} leaves its conversation to be continued by the
     * next turn, rather than ended. Only where the server keeps the conversation and the failure
     * was the way to it, not the turn itself: a replica that died or drained, whose conversations
     * go on elsewhere.
     */
    default boolean continuesAfter(String error) {
        return false;
    }

    /** Cuts off the turn in flight, if any: its future completes INCOMPLETE now. */
    void abort();

    /** The model name the server reported, or null before it did. */
    String model();

    Future<Void> close();

    /** With {@code --verify-history}: every conversation it had, as its client saw it; else none. */
    default java.util.List<Transcript> transcripts() {
        return java.util.List.of();
    }

    /** With {@code --verify-history}: conversations whose turns were all refused before the server named them. */
    default int unnamedConversations() {
        return 0;
    }
}
