package dev.quill.server.toolcall;

/** Where a marker (a tag such as {@code <tool_call>}) may begin at the end of text that is still growing. */
final class Markers {

    private Markers() {
    }

    /**
     * The length of the longest suffix of {@code text} that is a proper prefix of {@code marker}:
     * those characters may be the marker's beginning, so they are held until more text comes.
     */
    static int partialSuffix(CharSequence text, String marker) {
        int max = Math.min(marker.length() - 1, text.length());
        for (int n = max; n > 0; n--) {
            boolean match = true;
            for (int i = 0; i < n && match; i++) {
                match = text.charAt(text.length() - n + i) == marker.charAt(i);
            }
            if (match) {
                return n;
            }
        }
        return 0;
    }
}
