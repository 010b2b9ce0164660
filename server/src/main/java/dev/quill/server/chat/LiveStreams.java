package dev.quill.server.chat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections with something to end when the server stops: WebSockets and SSE streams. A
 * shutdown whose grace period ran out ends each of them with a terminal event (an {@code error}
 * with code {@code shutting_down}) instead of cutting the connection mid-answer.
 *
 * <p>Entries are added and removed from any event loop; each one is ended on the context it was
 * added from, since the connections it writes to are confined there.
 */
public final class LiveStreams {

    /** Something running that can be ended early, with a reason the client is told. */
    public interface Interruptible {
        /**
         * Tells the client why, cancels the generations, ends the transport. Called on the context
         * that added it. The future completes once that is done or the client is gone.
         */
        Future<Void> interrupt(ApiError why);
    }

    private final Map<Interruptible, Context> live = new ConcurrentHashMap<>(); // identity keys

    /** Adds one, on its own context; the returned action removes it (once it ended by itself). */
    public Runnable add(Interruptible stream) {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("a live stream is added from its connection's context");
        }
        live.put(stream, context);
        return () -> live.remove(stream);
    }

    public int size() {
        return live.size();
    }

    /** Interrupts everything still here; completes when every one has (or failed to). */
    public Future<Void> interruptAll(ApiError why) {
        List<Future<Void>> ended = new ArrayList<>();
        live.forEach((stream, context) -> {
            Promise<Void> done = Promise.promise();
            context.runOnContext(v -> stream.interrupt(why).onComplete(ar -> done.tryComplete()));
            ended.add(done.future());
        });
        return Future.join(ended).mapEmpty();
    }
}
