package dev.quill.server.chat;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.TokenScores;
import dev.quill.server.toolcall.ToolCall;

import java.util.List;

/**
 * Where one generation's events go: a WebSocket or an SSE response. Every method is called on
 * the connection's own Vert.x context, in order: {@link #onStart}, any {@link #onText}, then
 * exactly one of {@link #onDone} or {@link #onError} (onError may also come without onStart).
 */
public interface ChatSink {

    /**
     * The turn is admitted and stored; text follows.
     *
     * @param omittedMessages messages of the stored conversation left out of the prompt so that it
     *     fits the model's context (still in the store); 0 when nothing was left out
     */
    void onStart(String conversationId, int promptTokens, int omittedMessages);

    /**
     * Before any text, how far the engine has read the prompt: {@code computed} of
     * {@code promptTokens} in its cache (the first call comes when the turn leaves the engine's
     * queue). Only the latest is delivered when they come faster than the writer drains. Ignored
     * unless the transport has a way to say it (the WebSocket's {@code progress} frame).
     */
    default void onPrefill(int computed, int promptTokens) {
    }

    /** Text made since the last call; several tokens' text is merged when the writer was slow. */
    void onText(String text);

    /**
     * {@link #onText} with the scores of the tokens that made the text (requests that ask for
     * logprobs), in order; a token whose text is still held back is scored with the text it
     * completes, or in a last call with empty text. The default drops the scores.
     */
    default void onText(String text, List<TokenScores> scores) {
        onText(text);
    }

    /**
     * The prompt's scores (requests that ask for the prompt's logprobs), once, before any text:
     * {@code scores.get(i)} scores {@code promptIds[i + 1]}; the first prompt token has none.
     */
    default void onPromptScores(int[] promptIds, List<TokenScores> scores) {
    }

    /**
     * The model called a tool (read from its answer by a {@code toolcall} parser), in order
     * between the texts around it; numbered from 0. An answer with calls ends with STOP, which a
     * protocol reports as {@code tool_calls}. Sinks of requests that offer no tools never hear it.
     */
    default void onToolCall(int index, ToolCall call) {
        throw new UnsupportedOperationException("this sink does not take tool calls");
    }

    void onDone(FinishReason reason, Usage usage);

    void onError(ApiError error);

    /** True while the transport's write queue is full; text then waits and is merged. */
    boolean writeQueueFull();

    /** Calls {@code resume} once when the write queue has drained. */
    void onDrain(Runnable resume);

    /**
     * True once the client has gone (its connection closed), so work for it may stop. Unlike the
     * other methods, it is read from any thread: a prompt worker polls it between renders.
     */
    default boolean clientGone() {
        return false;
    }
}
