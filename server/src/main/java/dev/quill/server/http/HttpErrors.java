package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;

/**
 * Writes OpenAI-style error objects. A server-side failure (5xx, but not a shutdown's
 * {@code shutting_down}) is also logged with the request's {@code X-Request-Id}, so a client that
 * quotes the id leads to the log line.
 */
public final class HttpErrors {

    private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    /** Logs a server-side error with the id of the request it answers; client errors are not logged. */
    public static void log(HttpServerResponse response, ApiError e) {
        if (e.status() >= 500 && !"shutting_down".equals(e.code())) {
            log.warn("request " + RequestIds.of(response) + ": " + e.status() + " " + e.code() + ": " + e.message());
        }
    }

    public static JsonObject body(ApiError e) {
        return new JsonObject().put("error", new JsonObject()
                .put("message", e.message()).put("type", e.type()).put("param", e.param()).put("code", e.code()));
    }

    /** Ends the response with the error, unless headers were already sent (then the caller streams it). */
    public static void send(HttpServerResponse response, ApiError e) {
        if (response.ended() || response.headWritten()) {
            return;
        }
        log(response, e);
        response.setStatusCode(e.status()).putHeader("Content-Type", "application/json");
        if (e.status() == 429) {
            response.putHeader("Retry-After", "1");
        }
        response.end(body(e).encode());
    }
}
