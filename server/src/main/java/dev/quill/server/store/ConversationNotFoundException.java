package dev.quill.server.store;

/**
 * The conversation does not exist (never issued, or expired) or belongs to another API key; the
 * two are told apart to no one, so an id says nothing about whose it is. The server answers
 * 404 / {@code not_found}.
 */
public class ConversationNotFoundException extends RuntimeException {

    public ConversationNotFoundException(String conversationId) {
        super("no conversation " + shown(conversationId) + " here: conversation ids are issued by the server "
                + "(a chat without one, or POST /v1/conversations), and expire when idle");
    }

    /** The id as an error message may quote it: never more than a line. */
    private static String shown(String id) {
        if (id == null) {
            return "(none)";
        }
        return id.length() <= 80 ? "'" + id + "'" : "'" + id.substring(0, 80) + "…' (" + id.length() + " characters)";
    }
}
