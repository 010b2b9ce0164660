package dev.quill.server.openai;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.server.chat.ApiError;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.http.ServerMetrics;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Streams one generation as OpenAI's server-sent events: the opening chunk, one chunk per delta,
 * the chunk with the finish reason, the usage chunk when asked for, then {@code [DONE]}. An error
 * before the stream opened is an ordinary HTTP error; after, it is an {@code error} event.
 */
final class StreamingSink extends ResponseSink {

    private final SseStream sse;
    private final OpenAiResponse shapes;
    private final boolean includeUsage;

    StreamingSink(SseStream sse, HttpServerResponse response, ServerMetrics metrics,
                  OpenAiResponse shapes, boolean includeUsage) {
        super(response, metrics);
        this.sse = sse;
        this.shapes = shapes;
        this.includeUsage = includeUsage;
    }

    @Override
    public void onStart(String conversationId, int promptTokens) {
        sse.open();
        JsonObject opening = shapes.openingChunk();
        if (opening != null) {
            sse.send(opening);
        }
    }

    @Override
    public void onText(String text) {
        sse.send(shapes.textChunk(text));
    }

    @Override
    public void onDone(FinishReason reason, Usage usage) {
        if (reason == FinishReason.CANCELLED) {
            sse.end(); // only this server cancels, and only when the client has gone: no one to tell
        } else {
            sse.send(shapes.finishChunk(reason));
            if (includeUsage) {
                sse.send(shapes.usageChunk(usage));
            }
            sse.done();
        }
        finished();
    }

    @Override
    public void onError(ApiError error) {
        if (isFinished()) {
            return;
        }
        if (sse.isOpen()) {
            sse.send(HttpErrors.body(error));
            sse.done();
        } else {
            HttpErrors.send(response, error);
        }
        finished();
    }

    @Override
    public boolean writeQueueFull() {
        return sse.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        sse.onDrain(resume);
    }
}
