package dev.quill.server.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * What one conversation's client sent and what it received, turn by turn, kept for
 * {@code --verify-history}: the server's stored history is later held against it. Confined to the
 * run's event loop, like the session that writes it.
 */
final class Transcript {

    /** How a turn ended, as the client saw it. */
    enum Outcome {
        /** Still streaming (a run that ends normally leaves none). */
        PENDING,
        /** {@code done} arrived. */
        OK,
        /** An {@code error} frame or a broken connection ended it. */
        FAILED,
        /** The run's time ran out and the client cancelled it. */
        CUT
    }

    /** One turn: the message sent and the answer's text as it streamed. */
    static final class Turn {
        final String system;  // sent with this turn (the conversation's first), or null
        final String content;
        final StringBuilder received = new StringBuilder();
        boolean started;      // the server's start frame arrived, so it admitted the turn
        Outcome outcome = Outcome.PENDING;
        String finishReason;  // from done
        String error;         // the error code, for FAILED

        Turn(String system, String content) {
            this.system = system;
            this.content = content;
        }

        void fail(String code) {
            if (outcome == Outcome.PENDING) {
                outcome = Outcome.FAILED;
                error = code;
            }
        }
    }

    /**
     * Whether a turn failed because the way to the server broke (the socket closed, the server
     * shut down, a load balancer found no server) rather than because the server refused the turn.
     * Such a turn may have been stored up to any point.
     */
    static boolean lostConnection(String error) {
        return error != null && switch (error) {
            case "connection_closed", "connect_failed", "shutting_down", "http_502", "http_503", "http_504" -> true;
            default -> false;
        };
    }

    private final List<Turn> turns = new ArrayList<>();
    private String conversation; // from the first start frame; null while the server has not named it

    Turn begin(String system, String content) {
        Turn t = new Turn(system, content);
        turns.add(t);
        return t;
    }

    void named(String conversationId) {
        if (conversation == null) {
            conversation = conversationId;
        }
    }

    /** The server's id for it, or null when no turn was ever started (it cannot be looked up). */
    String conversation() {
        return conversation;
    }

    List<Turn> turns() {
        return turns;
    }
}
