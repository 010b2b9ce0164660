package dev.quill.server.toolcall;

/**
 * Recognizes tool calls in a model's output as it streams: fed text deltas however the tokens
 * split them, it tells its {@link ToolCallListener} the text outside calls and each call once it
 * is whole. Text that may still turn out to be markup (the start of {@code <tool_call>}) is held
 * back until it is known; what turns out not to be a call is passed on as text, unchanged.
 * Whatever the split, a parser reports the same text and calls.
 *
 * <p>Not thread-safe: one per generation, fed on one context.
 */
public interface ToolCallParser {

    void feed(String delta);

    /** The output ended: what was held back is reported (as a call when it is a whole one, else as text). */
    void finish();
}
