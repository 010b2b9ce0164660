package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writes OpenAI-style error objects. */
public final class HttpErrors {

    private HttpErrors() {
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
        response.setStatusCode(e.status()).putHeader("Content-Type", "application/json");
        if (e.status() == 429) {
            response.putHeader("Retry-After", "1");
        }
        response.end(body(e).encode());
    }
}
