package dev.quill.server.openai;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.LiveStreams;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.http.ServerMetrics;
import dev.quill.server.toolcall.ToolCall;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Streams one generation as OpenAI's server-sent events: the opening chunk, one chunk per delta,
 * the chunk with the finish reason, the usage chunk when asked for, then {@code [DONE]}. An error
 * before the stream opened is an ordinary HTTP error; after, it is an {@code error} event. A
 * shutdown that cannot wait for the end {@link #interrupt interrupts} it the same way.
 */
final class StreamingSink extends ResponseSink implements LiveStreams.Interruptible {

    private final SseStream sse;
    private final OpenAiResponse shapes;
    private final boolean includeUsage;
    private final Runnable leaveLive;
    private boolean calledTools;

    /** Constructed on the request's context, where it registers as live until it ends. */
    StreamingSink(SseStream sse, HttpServerResponse response, ServerMetrics metrics, LiveStreams live,
                  OpenAiResponse shapes, boolean includeUsage) {
        super(response, metrics);
        this.sse = sse;
        this.shapes = shapes;
        this.includeUsage = includeUsage;
        this.leaveLive = live.add(this);
    }

    @Override
    public void onStart(String conversationId, int promptTokens, int omittedMessages) {
        reportOmitted(conversationId, omittedMessages);
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

    /** A call goes out as two deltas, as OpenAI streams one: its id and name, then its arguments. */
    @Override
    public void onToolCall(int index, ToolCall call) {
        calledTools = true;
        sse.send(shapes.toolCallChunk(index, call, true));
        sse.send(shapes.toolCallChunk(index, call, false));
    }

    @Override
    public void onDone(FinishReason reason, Usage usage) {
        if (isFinished()) {
            return; // interrupted by a shutdown: the client has had its error and [DONE]
        }
        if (reason == FinishReason.CANCELLED) {
            sse.end(); // only this server cancels, and only when the client has gone: no one to tell
        } else {
            sse.send(shapes.finishChunk(reason, calledTools));
            if (includeUsage) {
                sse.send(shapes.usageChunk(usage));
            }
            sse.done();
        }
        over();
    }

    @Override
    public void onError(ApiError error) {
        end(error);
    }

    /** Shutdown: an error chunk and [DONE] (or the HTTP error, before the stream opened), then cancel. */
    @Override
    public Future<Void> interrupt(ApiError why) {
        Future<Void> ended = end(why);
        cancelGeneration(); // its onDone(CANCELLED) then finds the answer over and writes nothing
        return ended;
    }

    private Future<Void> end(ApiError error) {
        if (isFinished()) {
            return Future.succeededFuture();
        }
        Future<Void> ended;
        if (sse.isOpen()) {
            HttpErrors.log(response, error);
            sse.send(HttpErrors.body(error));
            ended = sse.done();
        } else {
            HttpErrors.send(response, error);
            ended = Future.succeededFuture();
        }
        over();
        return ended;
    }

    private void over() {
        finished();
        leaveLive.run();
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
