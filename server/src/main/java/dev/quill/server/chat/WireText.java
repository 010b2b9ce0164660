package dev.quill.server.chat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Text a client sends must be valid Unicode. JSON lets a string carry a lone UTF-16 surrogate
 * ({@code "\ud83d"}), which no UTF-8 store can keep: Redis would hold {@code ?} in its place and
 * the client would read back other text than it wrote. Such a request is refused whole, naming
 * the field, before anything is stored or tokenized.
 */
public final class WireText {

    private WireText() {
    }

    /**
     * Checks every string and key of a parsed JSON message, at any depth.
     *
     * @throws ApiException invalid_request whose param is the path of the first bad string, e.g.
     *     {@code messages[2].content}
     */
    public static void requireWellFormed(JsonObject message) {
        String bad = firstBad(message, "");
        if (bad != null) {
            throw new ApiException(ApiError.invalid("'" + bad + "' holds a lone UTF-16 surrogate (half of a "
                    + "character); text must be valid Unicode", bad));
        }
    }

    /** Whether {@code s} is valid UTF-16: every high surrogate followed by a low one and no low one alone. */
    public static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String firstBad(Object value, String path) {
        if (value instanceof String s) {
            return wellFormed(s) ? null : path;
        }
        if (value instanceof JsonObject o) {
            for (Map.Entry<String, Object> e : o) {
                String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (!wellFormed(e.getKey())) {
                    return path.isEmpty() ? "(a key)" : path + ".(a key)";
                }
                String bad = firstBad(e.getValue(), at);
                if (bad != null) {
                    return bad;
                }
            }
        } else if (value instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                String bad = firstBad(a.getValue(i), path + "[" + i + "]");
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }
}
