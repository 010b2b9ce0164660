package dev.quill.server.store;

/**
 * One line of a client's conversation list.
 *
 * @param id the conversation id
 * @param title a short label: the first message the client sent in it, see {@link #titleOf}
 * @param updatedMillis when the client last chatted in it (epoch milliseconds); the list is newest first
 */
public record ConversationSummary(String id, String title, long updatedMillis) {

    /** Longest title, in characters (code points), before it is cut with an ellipsis. */
    public static final int MAX_TITLE_LENGTH = 60;

    /** Longest title a client may give a conversation (rename), in characters; a longer one is refused, not cut. */
    public static final int MAX_RENAMED_TITLE_LENGTH = 100;

    /**
     * A title a client gives, as stored: whitespace runs collapsed to one space; null when that is
     * empty or longer than {@value #MAX_RENAMED_TITLE_LENGTH} characters (refused, not cut).
     */
    public static String renamed(String raw) {
        String title = raw == null ? "" : raw.strip().replaceAll("\\s+", " ");
        int length = title.codePointCount(0, title.length());
        return length == 0 || length > MAX_RENAMED_TITLE_LENGTH ? null : title;
    }

    /** A title from a message: whitespace runs collapsed to one space, cut to {@value #MAX_TITLE_LENGTH} characters. */
    public static String titleOf(String message) {
        String oneLine = message.strip().replaceAll("\\s+", " ");
        if (oneLine.codePointCount(0, oneLine.length()) <= MAX_TITLE_LENGTH) {
            return oneLine;
        }
        int end = oneLine.offsetByCodePoints(0, MAX_TITLE_LENGTH - 1); // never splits a surrogate pair
        return oneLine.substring(0, end).stripTrailing() + "…";
    }
}
