package dev.quill.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;

/**
 * Counts Vert.x's "Thread ... has been blocked for ..." warnings about event loops, for
 * {@code quill_event_loop_blocked_total}. Vert.x 5 lets an integrator replace the checker's
 * handler ({@link BlockedThreadChecker#setThreadBlockedHandler}, the hook Vert.x's own tests use);
 * that is exact and independent of which logging backend is bound, where a log filter would not
 * be. Replacing the handler replaces Vert.x's logging too, so this logs the same line, under the
 * same logger, with the blocked thread's stack once past the warning-exception time, as Vert.x does.
 *
 * <p>The checker calls the handler on its own timer thread, once per check interval for as long
 * as a thread stays blocked: one call is one warning in the log, and one count.
 */
public final class BlockedThreadWatch {

    private static final Logger log = LoggerFactory.getLogger(BlockedThreadChecker.LOGGER_NAME);

    private BlockedThreadWatch() {
    }

    /** Replaces the blocked-thread handler of {@code vertx}, which this server then owns. */
    public static void install(Vertx vertx, ServerMetrics metrics) {
        if (vertx instanceof VertxInternal internal) {
            internal.blockedThreadChecker().setThreadBlockedHandler(event -> {
                if (event.thread() instanceof VertxThread t && !t.isWorker()) {
                    metrics.eventLoopBlocked();
                }
                warn(event);
            });
        }
    }

    private static void warn(BlockedThreadEvent event) {
        String message = "Thread " + event.thread().getName() + " has been blocked for " + event.duration() / 1_000_000
                + " ms, time limit is " + event.maxExecTime() / 1_000_000 + " ms";
        if (event.duration() <= event.warningExceptionTime()) {
            log.warn(message);
        } else {
            VertxException stack = new VertxException("Thread blocked");
            stack.setStackTrace(event.thread().getStackTrace());
            log.warn(message, stack);
        }
    }
}
