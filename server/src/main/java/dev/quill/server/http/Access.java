package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import io.vertx.core.http.HttpServerRequest;

import java.net.URI;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** API keys (Bearer on HTTP, ?token= on the WebSocket) and the WebSocket Origin allow-list. */
public final class Access {

    private final List<String> apiKeys;
    private final List<String> allowedOrigins;

    public Access(List<String> apiKeys, List<String> allowedOrigins) {
        this.apiKeys = List.copyOf(apiKeys);
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Null when the HTTP request may proceed, else why not. */
    public ApiError checkBearer(HttpServerRequest req) {
        if (apiKeys.isEmpty()) {
            return null;
        }
        String h = req.getHeader("Authorization");
        String key = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
        return known(key) ? null : ApiError.unauthorized();
    }

    /** Null when the WebSocket upgrade may proceed, else why not. */
    public ApiError checkSocket(HttpServerRequest req) {
        String origin = req.getHeader("Origin");
        if (origin != null && !originAllowed(origin, req.authority() == null ? null : req.authority().toString())) {
            return ApiError.forbiddenOrigin(origin);
        }
        if (!apiKeys.isEmpty() && !known(req.getParam("token"))) {
            return ApiError.unauthorized();
        }
        return null;
    }

    private boolean originAllowed(String origin, String host) {
        if (allowedOrigins.contains(origin)) {
            return true;
        }
        try {
            URI u = URI.create(origin);
            String originHost = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
            return host != null && host.equalsIgnoreCase(originHost); // pages Quill serves itself
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean known(String key) {
        if (key == null) {
            return false;
        }
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (String candidate : apiKeys) {
            ok |= MessageDigest.isEqual(k, candidate.getBytes(StandardCharsets.UTF_8)); // constant time
        }
        return ok;
    }
}
