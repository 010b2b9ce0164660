package dev.quill.model.sampling;

import java.util.List;

/**
 * Finds stop strings in a stream of decoded text, across token boundaries, and makes sure no part
 * of a stop string is ever emitted.
 *
 * <p>Each {@link #feed} returns the text that is safe to stream now. Text that could be the start
 * of a stop string ("o W" while waiting for "o WORLD") is held back until the next piece decides
 * it: a match swallows it, anything else releases it. Once a stop string is found, it and
 * everything after it are dropped and the matcher stays stopped. At the end of generation,
 * {@link #flush} releases what is still held back.
 *
 * <p>Why this is enough: a stop string that begins in the text seen so far either lies wholly in
 * it (found by search) or runs past its end, in which case the text from its start is a proper
 * prefix of the stop string, which is exactly what is held back. So nothing emitted can be part
 * of a later match. At most (longest stop string - 1) characters are held back.
 *
 * <p>One matcher per sequence, used only on the engine thread; not thread-safe.
 */
public final class StopStringMatcher {

    /**
     * What one piece of text produced.
     *
     * @param text safe to stream now; never contains any part of a stop string
     * @param stopString the stop string that ended generation, or {@code null} while none has
     */
    public record Result(String text, String stopString) {
        /** Whether a stop string has been found; generation should end. */
        public boolean stopped() {
            return stopString != null;
        }
    }

    private final List<String> stopStrings;
    private String held = "";     // tail that might be the start of a stop string
    private String matched;       // the stop string found, once one is

    /** A matcher for {@code stopStrings} (none = every piece passes straight through). */
    public StopStringMatcher(List<String> stopStrings) {
        for (String s : stopStrings) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must be non-empty, got " + stopStrings);
            }
        }
        this.stopStrings = List.copyOf(stopStrings);
    }

    /** Takes the next decoded piece; returns what may be emitted and whether generation stopped. */
    public Result feed(String piece) {
        if (matched != null) {
            return new Result("", matched);
        }
        String text = held + piece;
        int at = -1;
        for (String stop : stopStrings) { // the earliest match wins; on a tie, the first listed
            int i = text.indexOf(stop);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
                matched = stop;
            }
        }
        if (matched != null) {
            held = "";
            return new Result(text.substring(0, at), matched);
        }
        int keep = longestPartialMatch(text);
        held = text.substring(text.length() - keep);
        return new Result(text.substring(0, text.length() - keep), null);
    }

    /** The text still held back, released because generation ended without completing a match. */
    public String flush() {
        String rest = held;
        held = "";
        return rest;
    }

    /** Whether a stop string has been found. */
    public boolean stopped() {
        return matched != null;
    }

    /** The stop string that was found, or {@code null} while none has. */
    public String matchedStopString() {
        return matched;
    }

    /** Length of the longest suffix of {@code text} that is a proper prefix of a stop string. */
    private int longestPartialMatch(String text) {
        int best = 0;
        for (String stop : stopStrings) {
            for (int len = Math.min(stop.length() - 1, text.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
