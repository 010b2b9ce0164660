package dev.quill.server.loadtest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.RequestOptions;

import java.net.ConnectException;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Requests over the run's keep-alive pool that survive a server closing a pooled connection.
 *
 * <p>A server may close a kept-alive connection whenever it likes: after every stream (with or
 * without saying {@code Connection: close}), when it has been idle a few seconds (cpp-httplib,
 * which llama.cpp's server is built on, waits 5 s), or because it speaks HTTP/1.0. When its close
 * crosses the client's next request on the wire, that request fails with nothing received. RFC
 * 9112 (section 9.3.1) lets a client retry then, and browsers do, even for a POST: a server that
 * sent not one byte back on a connection it was closing did not act on the request. So a request
 * that failed on a <em>reused</em> connection <em>before its response began</em> is sent again, on
 * another connection; the caller sees one request, a little later. A failure on a fresh
 * connection, or once the response has begun, is the server's answer and is reported.
 *
 * <p>Confined to the run's event loop, like the sessions that call it.
 */
final class PooledPost {

    /** Under the 5 s that cpp-httplib and others keep an idle connection: the client lets go first. */
    static final int KEEP_ALIVE_SECONDS = 4;

    /** Stale connections a request may meet in a row: each failure takes one out of the pool. */
    static final int MAX_ATTEMPTS = 8;

    private final HttpClient client;
    private final Set<HttpConnection> used = Collections.newSetFromMap(new WeakHashMap<>()); // carried a request
    private int retries;

    PooledPost(HttpClient client) {
        this.client = client;
    }

    /** The pool's options: keep-alive, with the idle limit above. */
    static HttpClientOptions options() {
        return new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(KEEP_ALIVE_SECONDS);
    }

    /**
     * Sends {@code body} and completes with the response once its head arrived.
     *
     * @param wanted whether the caller still wants an answer (false once it gave up): no retry then
     * @param onRequest told of each attempt's request, so the caller can reset the one in flight
     */
    Future<HttpClientResponse> send(RequestOptions options, Buffer body, BooleanSupplier wanted,
                                    Consumer<HttpClientRequest> onRequest) {
        return attempt(options, body, wanted, onRequest, 1);
    }

    /**
     * A request that is not retried (the preflight's {@code GET /v1/models}), on the same pool: its
     * connection counts as used, so a request that meets it next knows it is reused.
     */
    Future<HttpClientRequest> request(RequestOptions options) {
        return client.request(options).onSuccess(req -> used.add(req.connection()));
    }

    /** Requests sent again after a reused connection failed under them, since the run began. */
    int retries() {
        return retries;
    }

    private Future<HttpClientResponse> attempt(RequestOptions options, Buffer body, BooleanSupplier wanted,
                                               Consumer<HttpClientRequest> onRequest, int n) {
        return client.request(options).compose(req -> {
            onRequest.accept(req);
            boolean reused = !used.add(req.connection());
            return req.send(body).recover(e -> {
                if (reused && n < MAX_ATTEMPTS && wanted.getAsBoolean() && !(e instanceof ConnectException)) {
                    retries++;
                    return attempt(options, body, wanted, onRequest, n + 1);
                }
                return Future.failedFuture(e);
            });
        });
    }
}
