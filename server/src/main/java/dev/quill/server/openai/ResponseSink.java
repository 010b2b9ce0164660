package dev.quill.server.openai;

import dev.quill.server.chat.ChatService.ActiveChat;
import dev.quill.server.chat.ChatSink;
import dev.quill.server.http.ServerMetrics;
import io.vertx.core.http.HttpServerResponse;

/**
 * What both answer styles share: a client that goes away cancels its generation (so its engine
 * slot frees at the next step), whether it leaves before or after the engine took the request,
 * and the server's count of active streams is kept, once in and once out.
 *
 * <p>Confined to the request's context, like every {@link ChatSink}.
 */
abstract class ResponseSink implements ChatSink {

    protected final HttpServerResponse response;
    private final ServerMetrics metrics;
    private ActiveChat active;
    private volatile boolean clientGone; // also read by a prompt worker (clientGone())
    private boolean finished;

    ResponseSink(HttpServerResponse response, ServerMetrics metrics) {
        this.response = response;
        this.metrics = metrics;
        metrics.streamStarted();
    }

    /**
     * The generation started; cancel it at once if the client left while it was being set up, or
     * the answer already ended (a shutdown interrupted it while the prompt was being built).
     */
    final void attach(ActiveChat chat) {
        active = chat;
        if (clientGone || finished) {
            chat.cancel();
        }
    }

    /** Cancels the generation, if it started (the engine then ends it with onDone(CANCELLED)). */
    protected final void cancelGeneration() {
        if (active != null) {
            active.cancel();
        }
    }

    /**
     * The connection closed (or failed) before the answer ended. Hooked through the routing
     * context's end handlers rather than the response's single close handler, which the router
     * already uses to count requests.
     */
    final void clientLeft() {
        if (finished) {
            return;
        }
        clientGone = true;
        if (active != null) {
            active.cancel(); // the engine answers with onDone(CANCELLED), which ends this sink
        }
    }

    @Override
    public final boolean clientGone() {
        return clientGone;
    }

    /** Called once the answer is over, however it ended. */
    protected final void finished() {
        if (!finished) {
            finished = true;
            metrics.streamEnded();
        }
    }

    protected final boolean isFinished() {
        return finished;
    }
}
