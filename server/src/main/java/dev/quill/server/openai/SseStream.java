package dev.quill.server.openai;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * One server-sent-events response: {@code data: {json}\n\n} events, {@code data: [DONE]\n\n} at
 * the end, and a {@code : keep-alive\n\n} comment whenever the stream has been idle for the
 * keep-alive period (so proxies and clients with read timeouts keep the connection).
 *
 * <p>Writes never wait: the caller asks {@link #writeQueueFull()} and, while it is true, holds its
 * text back until {@link #onDrain} calls it. Once the client is gone the stream reports itself
 * drained and swallows writes, so a producer waiting on it always reaches its end.
 *
 * <p>Confined to the response's context: every method must be called there.
 */
final class SseStream {

    private static final String DONE = "data: [DONE]\n\n";
    private static final String KEEP_ALIVE = ": keep-alive\n\n";

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final long keepAliveNanos;
    private long lastWriteNanos;
    private long timerId = -1;
    private boolean open;
    private boolean ended;

    SseStream(Vertx vertx, HttpServerResponse response, Duration keepAlive) {
        this.vertx = vertx;
        this.response = response;
        this.keepAliveNanos = keepAlive.toNanos();
    }

    /** Sends the headers (200) and starts the keep-alive clock. */
    void open() {
        if (open || gone()) {
            return;
        }
        open = true;
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx would otherwise buffer the whole stream
        response.writeHead();
        lastWriteNanos = System.nanoTime();
        scheduleKeepAlive(keepAliveNanos);
    }

    /** Whether {@link #open()} has sent the headers, i.e. errors must now travel inside the stream. */
    boolean isOpen() {
        return open;
    }

    void send(JsonObject event) {
        write("data: " + event.encode() + "\n\n");
    }

    /** Writes {@code data: [DONE]} and ends the response; the future completes once it is out. */
    Future<Void> done() {
        write(DONE);
        return end();
    }

    /** Ends the response (if the client is still there) and stops the keep-alive clock. */
    Future<Void> end() {
        cancelKeepAlive();
        Future<Void> out = gone() ? Future.succeededFuture() : response.end();
        ended = true;
        return out;
    }

    boolean writeQueueFull() {
        return !gone() && response.writeQueueFull();
    }

    /** Runs {@code resume} once the write queue drains, or at once if it is not full. */
    void onDrain(Runnable resume) {
        if (!writeQueueFull()) {
            resume.run();
            return;
        }
        response.drainHandler(v -> {
            response.drainHandler(null);
            resume.run();
        });
    }

    private boolean gone() {
        return ended || response.ended() || response.closed();
    }

    private void write(String text) {
        if (gone()) {
            return;
        }
        lastWriteNanos = System.nanoTime();
        response.write(text);
    }

    private void scheduleKeepAlive(long delayNanos) {
        timerId = vertx.setTimer(Math.max(1, delayNanos / 1_000_000), id -> keepAlive());
    }

    private void keepAlive() {
        timerId = -1;
        if (gone()) {
            return;
        }
        long idle = System.nanoTime() - lastWriteNanos;
        if (idle >= keepAliveNanos) {
            if (!response.writeQueueFull()) { // a full queue means the client is not idle, only slow
                write(KEEP_ALIVE);
            }
            scheduleKeepAlive(keepAliveNanos);
        } else {
            scheduleKeepAlive(keepAliveNanos - idle);
        }
    }

    private void cancelKeepAlive() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }
}
