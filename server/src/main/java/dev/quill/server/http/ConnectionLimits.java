package dev.quill.server.http;

import dev.quill.server.config.HttpConfig;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's connection handler: counts open connections, in total and per remote address,
 * and closes one past either limit at once (before it can send anything), so that no client can
 * take the file descriptors every other client needs. A connection it keeps gets a
 * {@link ConnectionGuard}, which closes it when it idles or sends too slowly.
 *
 * <p>Called on each connection's event loop; the counts are shared between loops, hence atomic.
 */
public final class ConnectionLimits implements Handler<HttpConnection> {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

    private final HttpConfig config;
    private final HttpServerOptions options;
    private final ServerMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private volatile boolean guardMissingLogged;

    public ConnectionLimits(HttpConfig config, HttpServerOptions options, ServerMetrics metrics) {
        this.config = config;
        this.options = options;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpConnection conn) {
        String address = conn.remoteAddress() == null ? "unknown" : conn.remoteAddress().hostAddress();
        int total = open.incrementAndGet();
        int fromAddress = perAddress.merge(address, 1, Integer::sum);
        metrics.connectionOpened();
        conn.closeHandler(v -> released(address));
        if (total > config.maxConnections()) {
            metrics.connectionRefused("total");
            conn.close();
        } else if (config.maxConnectionsPerAddress() > 0 && fromAddress > config.maxConnectionsPerAddress()) {
            metrics.connectionRefused("per_address");
            conn.close();
        } else {
            guard(conn);
        }
    }

    /** Open connections now, for tests and metrics. */
    public int open() {
        return open.get();
    }

    private void released(String address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(address, (k, n) -> n == 1 ? null : n - 1);
        metrics.connectionClosed();
    }

    /**
     * Vert.x has no public hook into a connection's pipeline; its connections are
     * {@link ConnectionBase}s, whose channel is public. Should that change, connections go
     * unguarded (and this is logged once) rather than refused.
     */
    private void guard(HttpConnection conn) {
        boolean installed = conn instanceof ConnectionBase base
                && ConnectionGuard.install(base.channel(), options, config.requestReadTimeout(), config.idleTimeout(), metrics);
        if (!installed && !guardMissingLogged) {
            guardMissingLogged = true;
            log.warn("connection timeouts are off: the HTTP pipeline of " + conn.getClass().getName() + " is not the expected one");
        }
    }
}
