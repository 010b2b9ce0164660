package dev.quill.server.chat;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.server.toolcall.ToolCall;
import dev.quill.server.toolcall.ToolCallListener;
import dev.quill.server.toolcall.ToolCallParser;

import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

import java.util.function.Function;

/**
 * Reads an answer's text through a tool-call parser on its way to the sink: text outside calls
 * goes on as text, each call as {@link ChatSink#onToolCall}. {@link #flush} reports what the
 * parser still holds; it is called when the generation ends, before the answer is stored.
 *
 * <p>Context-confined, like the sink it wraps.
 */
final class ToolCallSink implements ChatSink, ToolCallListener {

    private static final Logger log = LoggerFactory.getLogger(ToolCallSink.class);

    private final ChatSink inner;
    private ToolCallParser parser; // null once it failed: the rest of the answer is text

    private ToolCallSink(ChatSink inner) {
        this.inner = inner;
    }

    /**
     * {@code inner} reading calls with the parser {@code parsers} makes; {@code inner} itself when
     * {@code parsers} is null or makes none (the request reads no calls).
     */
    static ChatSink wrap(ChatSink inner, Function<ToolCallListener, ToolCallParser> parsers) {
        if (parsers == null) {
            return inner;
        }
        ToolCallSink sink = new ToolCallSink(inner);
        sink.parser = parsers.apply(sink);
        return sink.parser == null ? inner : sink;
    }

    /** Reports what the parser holds back; a sink that is not a ToolCallSink holds nothing. */
    static void flush(ChatSink sink) {
        if (sink instanceof ToolCallSink t && t.parser != null) {
            t.parse(() -> t.parser.finish(), "");
        }
    }

    /**
     * A parser that throws must not take the answer with it (this runs outside the protocol
     * sink's own guard): the text goes on unparsed, and what the parser held is lost, not the rest.
     */
    private void parse(Runnable step, String text) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.warn("the tool-call parser failed; the rest of the answer is passed on as text", e);
            parser = null;
            if (!text.isEmpty()) {
                inner.onText(text);
            }
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
        if (parser == null) {
            inner.onText(text);
        } else {
            parse(() -> parser.feed(text), text);
        }
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
