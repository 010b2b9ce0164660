package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a page on another site may do with the API ({@code /v1}). Browsers send an
 * {@code Origin} with every cross-site request that could change something: one that is neither
 * this server's own ({@link Origins}) nor allowed by CORS is refused (403). A {@code POST} must be
 * {@code application/json} (415 otherwise): a form or {@code text/plain} body is what a page may
 * send cross-site without asking the server first, a JSON one needs the CORS preflight.
 *
 * <p>CORS is off unless {@code http.cors_origins} is set; then those origins (or any, for
 * {@code *}) get their preflight answered and {@code Access-Control-Allow-Origin} on every
 * answer, errors included, so a browser client can read why a request failed. Credentials
 * (cookies) are never allowed: the API key travels in {@code Authorization}, which the page's
 * own code must add. Immutable; safe on any thread.
 */
public final class CrossSite {

    private static final Pattern HEADER_LIST = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+(\\s*,\\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*");
    private static final String DEFAULT_ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key";

    private final Origins own;
    private final boolean anyOrigin;
    private final Set<String> corsOrigins; // normalized

    public CrossSite(Origins own, List<String> corsOrigins) {
        this.own = own;
        this.anyOrigin = corsOrigins.contains("*");
        this.corsOrigins = corsOrigins.stream().filter(o -> !o.equals("*")).map(Origins::normalize)
                .filter(java.util.Objects::nonNull).collect(Collectors.toUnmodifiableSet());
    }

    /** Null when a /v1 request may go on (and CORS headers are on its response), else why not. */
    public ApiError check(HttpServerRequest req) {
        String origin = req.getHeader("Origin");
        if (origin != null) {
            if (corsAllows(origin)) {
                allow(req.response(), origin);
            } else if (!own.originAllowed(origin, req.localAddress())) {
                return originRefused(origin);
            }
        }
        if (req.method() == HttpMethod.POST && !isJson(req.getHeader("Content-Type"))) {
            return new ApiError(415, "invalid_request_error", "unsupported_media_type",
                    "The body must be JSON, sent with Content-Type: application/json", null);
        }
        return null;
    }

    /** {@code OPTIONS /v1/*}: the CORS preflight, answered 204 for an allowed origin and 403 otherwise. */
    public void preflight(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String origin = req.getHeader("Origin");
        if (origin == null || !corsAllows(origin)) {
            HttpErrors.send(ctx.response(), originRefused(String.valueOf(origin)));
            return;
        }
        String asked = req.getHeader("Access-Control-Request-Headers");
        allow(ctx.response(), origin);
        ctx.response().setStatusCode(204)
                .putHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                .putHeader("Access-Control-Allow-Headers",
                        asked != null && HEADER_LIST.matcher(asked.trim()).matches() ? asked.trim() : DEFAULT_ALLOWED_HEADERS)
                .putHeader("Access-Control-Max-Age", "600")
                .end();
    }

    private boolean corsAllows(String origin) {
        return anyOrigin || corsOrigins.contains(Origins.normalize(origin));
    }

    private void allow(HttpServerResponse response, String origin) {
        response.putHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin)
                .putHeader("Vary", "Origin")
                .putHeader("Access-Control-Expose-Headers", "Retry-After, X-Request-Id, Quill-Omitted-Messages");
    }

    private static ApiError originRefused(String origin) {
        return new ApiError(403, "invalid_request_error", "origin_not_allowed",
                "Pages from origin '" + origin + "' may not call this API (see http.cors_origins)", null);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT).equals("application/json");
    }
}
