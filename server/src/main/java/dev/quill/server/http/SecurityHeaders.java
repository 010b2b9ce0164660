package dev.quill.server.http;

import io.vertx.core.http.HttpServerResponse;

import java.util.Map;

/**
 * Headers every response carries. The content security policy is the chat page's (only its own
 * files and its own WebSocket, no inline script), sent as a header so that it also covers what a
 * {@code <meta>} tag cannot: framing ({@code frame-ancestors}, with {@code X-Frame-Options} for
 * older browsers). On a JSON answer the policy is inert, so one policy serves every route.
 */
public final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    static final Map<String, String> HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", CONTENT_SECURITY_POLICY);

    private SecurityHeaders() {
    }

    public static void add(HttpServerResponse response) {
        HEADERS.forEach(response::putHeader);
    }
}
