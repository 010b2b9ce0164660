package dev.quill.server.chat;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;

/**
 * Wraps a sink and keeps the whole answer's text, which is what gets stored when it ends.
 * Context-confined, like the sink it wraps.
 */
final class RecordingSink implements ChatSink {

    private final ChatSink inner;
    private final StringBuilder text = new StringBuilder();

    RecordingSink(ChatSink inner) {
        this.inner = inner;
    }

    String text() {
        return text.toString();
    }

    @Override
    public void onStart(String conversationId, int promptTokens) {
        inner.onStart(conversationId, promptTokens);
    }

    @Override
    public void onText(String piece) {
        text.append(piece);
        inner.onText(piece);
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
}
