package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * The server's request handler, in front of the router: every response gets an
 * {@code X-Request-Id} ({@link RequestIds}) and the {@link SecurityHeaders}; a request without {@code Host} (required by HTTP/1.1, and without it
 * the router cannot even build the request's URI) gets 400; and on a server with no API key, a
 * request naming a host that is not this server's ({@link Origins#hostAllowed}) gets 403, which
 * is what makes a DNS-rebinding page fail: it can reach the port, but only under its own name.
 * With API keys the key is what stops such a page, and any name is answered.
 *
 * <p>Runs on the connection's event loop.
 */
public final class FrontDoor implements Handler<HttpServerRequest> {

    private final Handler<HttpServerRequest> router;
    private final Origins origins;
    private final boolean checkHost;
    private final ServerMetrics metrics;

    public FrontDoor(Handler<HttpServerRequest> router, Origins origins, boolean checkHost, ServerMetrics metrics) {
        this.router = router;
        this.origins = origins;
        this.checkHost = checkHost;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpServerRequest req) {
        RequestIds.assign(req);
        SecurityHeaders.add(req.response());
        String host = req.getHeader("Host");
        if (host == null || host.isBlank()) {
            refuse(req, new ApiError(400, "invalid_request_error", "missing_host",
                    "The request has no Host header (HTTP/1.1 requires one)", null));
        } else if (checkHost && !origins.hostAllowed(host)) {
            refuse(req, new ApiError(403, "invalid_request_error", "host_not_allowed",
                    "This server does not answer to the host '" + host + "' (see http.allowed_hosts)", null));
        } else {
            router.handle(req);
        }
    }

    private void refuse(HttpServerRequest req, ApiError error) {
        metrics.request("front_door", error.status());
        HttpErrors.send(req.response(), error);
    }
}
