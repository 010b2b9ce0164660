package dev.quill.server.toolcall;

/**
 * Follows JSON text one character at a time far enough to tell where a top-level object or
 * array ends: bracket depth, and whether it is inside a string (where brackets do not count).
 * Whether the text is valid JSON is left to a parser once the value is whole.
 */
final class JsonScan {

    private int depth;
    private boolean inString;
    private boolean escaped;

    /** Feeds one character of a value that began with '{' or '['; true when it closed that value. */
    boolean feed(char c) {
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
            return false;
        }
        switch (c) {
            case '"' -> inString = true;
            case '{', '[' -> depth++;
            case '}', ']' -> {
                depth--;
                return depth <= 0;
            }
            default -> { }
        }
        return false;
    }

    void reset() {
        depth = 0;
        inString = false;
        escaped = false;
    }
}
