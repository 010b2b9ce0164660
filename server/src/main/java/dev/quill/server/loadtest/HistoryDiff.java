package dev.quill.server.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds a conversation's stored history against its {@link Transcript}. Every turn the server
 * finished must be stored once, in order: the system prompt sent with it (if any), the user's
 * message with the same text, then the answer with exactly the streamed text and the finish
 * reason of its {@code done}. A turn that failed or was cut usually ends its conversation; one
 * whose connection was lost ({@link Transcript#lostConnection}) may be followed by more turns, on
 * another replica. What is stored for such a turn depends on how far it got:
 * <ul>
 *   <li>refused before the server's {@code start} (429, context too long, ...): nothing at all;
 *   <li>its connection lost before {@code start} arrived: nothing, or its user message (the server
 *       stores it before it answers), and perhaps an answer;
 *   <li>failed after {@code start}: its user message, and either no answer or one with exactly
 *       the text that streamed (or beginning with it, when the connection was lost);
 *   <li>cut by the client: its user message, and either no answer or one that begins with the
 *       text that streamed (the server may have made more before the cancel reached it).
 * </ul>
 * Anything else stored (a duplicate, an extra, a changed text) is a difference.
 */
final class HistoryDiff {

    /** One message of the server's history reply. */
    record Stored(String role, String content, String finishReason) {
    }

    /** An expected message; {@code prefixOnly}: the stored text may go on past it; {@code optional}: may be missing. */
    private record Expected(String role, String content, String finishReason, boolean prefixOnly, boolean optional) {
    }

    static final int TEXT_SHOWN = 48;

    private HistoryDiff() {
    }

    /** The differences, each a sentence; empty when the history is exactly what the client saw. */
    static List<String> compare(Transcript t, List<Stored> stored) {
        List<Expected> expected = expected(t);
        List<String> differences = new ArrayList<>();
        int s = 0;
        for (Expected e : expected) {
            Stored got = s < stored.size() ? stored.get(s) : null;
            if (got != null && matches(e, got)) {
                s++;
            } else if (!e.optional()) {
                differences.add("message " + s + ": expected " + describe(e) + ", stored "
                        + (got == null ? "nothing" : describe(got)));
                return differences; // after the first divergence every later position differs too
            }
        }
        for (; s < stored.size(); s++) {
            Stored extra = stored.get(s);
            int earlier = indexOf(stored, extra, s);
            differences.add("message " + s + ": extra " + describe(extra)
                    + (earlier >= 0 ? " (a duplicate of message " + earlier + ")" : ""));
        }
        return differences;
    }

    private static List<Expected> expected(Transcript t) {
        List<Expected> out = new ArrayList<>();
        for (Transcript.Turn turn : t.turns()) {
            boolean ok = turn.outcome == Transcript.Outcome.OK;
            boolean lost = turn.outcome == Transcript.Outcome.FAILED && Transcript.lostConnection(turn.error);
            if (!ok && !turn.started && lost) { // stored up to any point before the client heard of it
                if (turn.system != null) {
                    out.add(new Expected("system", turn.system, null, false, true));
                }
                out.add(new Expected("user", turn.content, null, false, true));
                out.add(new Expected("assistant", "", null, true, true));
                continue;
            }
            if (!ok && !turn.started) {
                continue; // refused: the server must have stored nothing of it
            }
            if (turn.system != null) {
                out.add(new Expected("system", turn.system, null, false, false));
            }
            out.add(new Expected("user", turn.content, null, false, false));
            if (ok) {
                out.add(new Expected("assistant", turn.received.toString(), turn.finishReason, false, false));
            } else {
                boolean cut = turn.outcome != Transcript.Outcome.FAILED || lost; // the server may have made more
                out.add(new Expected("assistant", turn.received.toString(), null, cut, true));
            }
        }
        return out;
    }

    private static boolean matches(Expected e, Stored got) {
        if (!e.role().equals(got.role()) || got.content() == null) {
            return false;
        }
        boolean text = e.prefixOnly() ? got.content().startsWith(e.content()) : got.content().equals(e.content());
        return text && (e.finishReason() == null || e.finishReason().equals(got.finishReason()));
    }

    private static int indexOf(List<Stored> stored, Stored m, int before) {
        for (int i = 0; i < before; i++) {
            Stored o = stored.get(i);
            if (o.role().equals(m.role()) && o.content() != null && o.content().equals(m.content())) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(Expected e) {
        return e.role() + " " + quote(e.content()) + (e.prefixOnly() ? " (or longer)" : "")
                + (e.finishReason() != null ? " finish " + e.finishReason() : "");
    }

    private static String describe(Stored m) {
        return m.role() + " " + quote(m.content()) + (m.finishReason() != null ? " finish " + m.finishReason() : "");
    }

    /** A long text as its start and its length, so a 1 MB message does not fill the report. */
    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        String shown = text.length() <= TEXT_SHOWN ? text : text.substring(0, TEXT_SHOWN) + "…";
        return "\"" + shown.replace("\n", "\\n") + "\" (" + text.length() + " chars)";
    }
}
