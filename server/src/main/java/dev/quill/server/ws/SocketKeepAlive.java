package dev.quill.server.ws;

import dev.quill.server.http.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.time.Duration;

/**
 * Keeps an open WebSocket honest. A chat page's socket is idle between chats, so the HTTP idle
 * timeout does not apply to it; instead the server pings it every half of the idle timeout, and a
 * socket that has answered no ping for a whole idle timeout (its peer is gone without a FIN, or
 * never reads) is closed with 1001. Browsers answer pings by themselves, in background tabs too,
 * so a page that is merely quiet is never closed.
 *
 * <p>Uses only the socket's pong handler, which nothing else sets, and notices the socket's end
 * by polling {@code isClosed()}, so it needs none of the handlers the protocol code owns. Its
 * timer runs on the socket's context.
 */
public final class SocketKeepAlive {

    private static final Buffer PING = Buffer.buffer("quill");

    private final Vertx vertx;
    private final ServerWebSocket ws;
    private final ServerMetrics metrics;
    private final long idleNanos;
    private long lastPongNanos;
    private long timerId;

    private SocketKeepAlive(Vertx vertx, ServerWebSocket ws, ServerMetrics metrics, Duration idleTimeout) {
        this.vertx = vertx;
        this.ws = ws;
        this.metrics = metrics;
        this.idleNanos = idleTimeout.toNanos();
        this.lastPongNanos = System.nanoTime();
    }

    /** Starts pinging {@code ws}; call on the socket's context, once, right after the upgrade. */
    public static void start(Vertx vertx, ServerWebSocket ws, ServerMetrics metrics, Duration idleTimeout) {
        SocketKeepAlive k = new SocketKeepAlive(vertx, ws, metrics, idleTimeout);
        ws.pongHandler(pong -> k.lastPongNanos = System.nanoTime());
        k.timerId = vertx.setPeriodic(Math.max(1, idleTimeout.toMillis() / 2), id -> k.tick());
    }

    private void tick() {
        if (ws.isClosed()) {
            vertx.cancelTimer(timerId);
        } else if (System.nanoTime() - lastPongNanos >= idleNanos) {
            vertx.cancelTimer(timerId);
            metrics.connectionTimedOut("websocket_ping");
            ws.close((short) 1001, "no answer to ping");
        } else {
            ws.writePing(PING);
        }
    }
}
