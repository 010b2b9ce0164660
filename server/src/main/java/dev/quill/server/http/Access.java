package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import dev.quill.server.store.ConversationStore;
import io.vertx.core.http.HttpServerRequest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * API keys (Bearer on HTTP, ?token= on the WebSocket) and the WebSocket's Origin check: a page
 * may open /ws when its origin is this server's own or allowed ({@link Origins}), judged by the
 * connection's local address, never by the {@code Host} header the page's name controls.
 */
public final class Access {

    private final List<String> apiKeys;
    private final Origins origins;

    public Access(List<String> apiKeys, Origins origins) {
        this.apiKeys = List.copyOf(apiKeys);
        this.origins = origins;
    }

    /** Whether no API key is configured (then the Host check stands in for the key). */
    public boolean keyless() {
        return apiKeys.isEmpty();
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

    /**
     * Who is calling, as conversations record their owner: a short SHA-256 of the configured API
     * key it presented (Bearer, else {@code ?token=}), never the key itself; {@link ConversationStore#NO_OWNER}
     * when no keys are configured. Call it once the request has passed its check.
     */
    public String identity(HttpServerRequest req) {
        if (apiKeys.isEmpty()) {
            return ConversationStore.NO_OWNER;
        }
        String h = req.getHeader("Authorization");
        String bearer = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
        String key = known(bearer) ? bearer : req.getParam("token");
        return known(key) ? keyId(key) : ConversationStore.NO_OWNER;
    }

    /** 128 bits of the key's SHA-256, in hex: enough to tell keys apart, and nothing to log in with. */
    static String keyId(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "k" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Null when the WebSocket upgrade may proceed, else why not. */
    public ApiError checkSocket(HttpServerRequest req) {
        String origin = req.getHeader("Origin");
        if (origin != null && !origins.originAllowed(origin, req.localAddress())) {
            return ApiError.forbiddenOrigin(origin);
        }
        if (!apiKeys.isEmpty() && !known(req.getParam("token"))) {
            return ApiError.unauthorized();
        }
        return null;
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
