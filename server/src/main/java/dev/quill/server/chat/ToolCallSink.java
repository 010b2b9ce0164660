package dev.quill.server.chat;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.server.toolcall.ToolCall;
import dev.quill.server.toolcall.ToolCallListener;
import dev.quill.server.toolcall.ToolCallParser;

import java.util.function.Function;

/**
 * Reads an answer's text through a tool-call parser on its way to the sink: text outside calls
 * goes on as text, each call as {@link ChatSink#onToolCall}. {@link #flush} reports what the
 * parser still holds; it is called when the generation ends, before the answer is stored.
 *
 * <p>Context-confined, like the sink it wraps.
 */
final class ToolCallSink implements ChatSink, ToolCallListener {

    private final ChatSink inner;
    private final ToolCallParser parser;

    private ToolCallSink(ChatSink inner, Function<ToolCallListener, ToolCallParser> parsers) {
        this.inner = inner;
        this.parser = parsers.apply(this);
    }

    /** {@code inner} reading calls with the parser {@code parsers} makes, or {@code inner} itself when it is null. */
    static ChatSink wrap(ChatSink inner, Function<ToolCallListener, ToolCallParser> parsers) {
        return parsers == null ? inner : new ToolCallSink(inner, parsers);
    }

    /** Reports what the parser holds back; a sink that is not a ToolCallSink holds nothing. */
    static void flush(ChatSink sink) {
        if (sink instanceof ToolCallSink t) {
            t.parser.finish();
        }
    }

    @Override
    public void text(String text) {
        inner.onText(text);
    }

    @Override
    public void call(int index, ToolCall call) {
        inner.onToolCall(index, call);
    }

    @Override
    public void onStart(String conversationId, int promptTokens, int omittedMessages) {
        inner.onStart(conversationId, promptTokens, omittedMessages);
    }

    @Override
    public void onText(String text) {
        parser.feed(text);
    }

    @Override
    public void onToolCall(int index, ToolCall call) {
        inner.onToolCall(index, call);
    }

    @Override
    public void onDone(FinishReason reason, Usage usage) {
        inner.onDone(reason, usage);
    }

    @Override
    public void onError(ApiError error) {
        inner.onError(error);
    }

    @Override
    public boolean writeQueueFull() {
        return inner.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        inner.onDrain(resume);
    }

    @Override
    public boolean clientGone() {
        return inner.clientGone();
    }
}
