package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * One {@code POST /v1/chat/completions} with a body given as JSON text (so that a number such as
 * {@code 1e-320} reaches the server exactly as written), and what its answer says for the tally.
 */
final class ChatPost {

    static final long IDLE_TIMEOUT_MS = 60_000;

    private ChatPost() {
    }

    /**
     * @param idempotencyKey sent as {@code Idempotency-Key}, or null
     * @param sent told of the request as it leaves, so the caller can reset it
     */
    static Future<HttpClientResponse> send(HostileClients c, String body, String idempotencyKey, Consumer<HttpClientRequest> sent) {
        RequestOptions o = c.target().chatCompletions().setIdleTimeout(IDLE_TIMEOUT_MS);
        if (idempotencyKey != null) {
            o.putHeader("Idempotency-Key", idempotencyKey);
        }
        return c.http().request(o).compose(req -> {
            sent.accept(req);
            return req.send(Buffer.buffer(body));
        });
    }

    /** A whole answer, read to its end: {@code http_200 done}, {@code http_200 error internal_error}, {@code http_400 invalid_request}. */
    static Future<String> outcome(HttpClientResponse resp) {
        return resp.body().map(b -> {
            String text = b.toString();
            String status = "http_" + resp.statusCode();
            if (resp.statusCode() != 200) {
                return status + " " + code(text);
            }
            int error = text.indexOf("\"error\"");
            if (error >= 0) {
                return status + " stream error " + code(text.substring(text.lastIndexOf("data:", error) + 5).split("\n")[0]);
            }
            return status + (text.contains("[DONE]") ? " done" : text.contains("\"choices\"") && !text.startsWith("data:")
                    ? " whole answer" : " ended without [DONE]");
        });
    }

    /** The OpenAI error object's code (or type) in a body, else "?". */
    static String code(String json) {
        try {
            JsonObject o = new JsonObject(json.trim());
            JsonObject e = o.getValue("error") instanceof JsonObject x ? x : o;
            return String.valueOf(e.getValue("code") != null ? e.getValue("code") : e.getValue("type"));
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** A user message of about {@code words} words, each a common token. */
    static String words(int words) {
        StringBuilder b = new StringBuilder(words * 5);
        for (int i = 0; i < words; i++) {
            b.append(i % 7 == 6 ? "the. " : "word ");
        }
        return b.toString().trim();
    }
}
