package dev.quill.server.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code X-Request-Id} on every response: the client's own when it sent a sane one (1 to 128
 * letters, digits and {@code . _ : - + = /}, which covers UUIDs, ULIDs, base64 and the ids
 * proxies such as nginx and Envoy make), otherwise a fresh UUID. Anything else a client sends is
 * replaced rather than echoed, so it can never split a header, forge a log line or fill the log.
 * The id names the request in the server's log when answering it fails ({@link HttpErrors}).
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:+=/-]{1,128}");

    private RequestIds() {
    }

    /** Gives the request its id (on its response, where every later writer finds it) and returns it. */
    public static String assign(HttpServerRequest req) {
        String given;
        try {
            given = req.getHeader(HEADER);
        } catch (RuntimeException malformed) { // a request the decoder could not parse may have no usable headers
            given = null;
        }
        String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        req.response().putHeader(HEADER, id);
        return id;
    }

    /** The id {@link #assign} gave the response's request, or "-" for a response it never saw. */
    public static String of(HttpServerResponse response) {
        String id = response.headers().get(HEADER);
        return id == null ? "-" : id;
    }
}
