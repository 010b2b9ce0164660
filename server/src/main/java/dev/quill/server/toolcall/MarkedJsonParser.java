package dev.quill.server.toolcall;

import java.util.List;
import java.util.Set;

/**
 * Calls written as bare JSON, where a marker or the start of the answer says JSON follows:
 * <ul>
 *   <li>Llama 3.x: the answer is {@code {"name": ..., "parameters": {...}}} (several separated by
 *       {@code ;}), possibly after {@code <|python_tag|>};</li>
 *   <li>Mistral: {@code [TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]}, the marker anywhere;</li>
 *   <li>constrained decoding ({@code tool_choice} required or named): the whole answer is one call
 *       or an array of calls.</li>
 * </ul>
 * Both markers are special tokens that the detokenizer leaves out of the text, so a JSON value at
 * the very start of the answer counts as marked too. A value that is not a call to an offered
 * function is passed on as text (with its marker), and so is one the answer ends inside.
 */
final class MarkedJsonParser implements ToolCallParser {

    private enum State { START, TEXT, BEFORE_JSON, JSON, AFTER_CALL }

    private final ToolCallListener listener;
    private final Set<String> names;
    private final String marker; // null: no marker, only the start of the answer
    private final String openers; // the characters a marked value may start with
    private final StringBuilder held = new StringBuilder();
    private final JsonScan scan = new JsonScan();
    private State state = State.START;
    private int jsonStart; // in JSON: where the value begins in held
    private int calls;

    MarkedJsonParser(ToolCallListener listener, Set<String> names, String marker, String openers) {
        this.listener = listener;
        this.names = names;
        this.marker = marker;
        this.openers = openers;
    }

    @Override
    public void feed(String delta) {
        for (int i = 0; i < delta.length(); i++) {
            step(delta.charAt(i));
        }
        if (state == State.TEXT) {
            int keep = marker == null ? 0 : Markers.partialSuffix(held, marker);
            emit(held.length() - keep);
        }
    }

    @Override
    public void finish() {
        if (state == State.AFTER_CALL) {
            held.setLength(0); // only whitespace and ';' between calls
        }
        emit(held.length());
        state = State.TEXT;
    }

    private void step(char c) {
        held.append(c);
        switch (state) {
            case START, AFTER_CALL, BEFORE_JSON -> {
                if (Character.isWhitespace(c) || state == State.AFTER_CALL && c == ';') {
                    return; // held: what comes next says whether it is text
                }
                if (openers.indexOf(c) >= 0) {
                    state = State.JSON;
                    jsonStart = held.length() - 1;
                    scan.reset();
                    scan.feed(c);
                } else if (state == State.BEFORE_JSON || !atMarker()) {
                    state = State.TEXT;
                    textStep();
                }
            }
            case TEXT -> textStep();
            case JSON -> {
                if (scan.feed(c)) {
                    value();
                }
            }
        }
    }

    /** At the start: the text held so far (past whitespace) is the marker, or may still become it. */
    private boolean atMarker() {
        if (marker == null) {
            return false;
        }
        String s = held.toString().stripLeading();
        if (s.equals(marker)) {
            state = State.BEFORE_JSON;
        }
        return marker.startsWith(s);
    }

    /** In text: when the marker has just been completed, what precedes it is text and JSON is expected. */
    private void textStep() {
        if (marker != null && held.length() >= marker.length()
                && held.substring(held.length() - marker.length()).equals(marker)) {
            emit(held.length() - marker.length());
            state = State.BEFORE_JSON;
        }
    }

    /**
     * A marked value closed: calls, or text as written. What preceded the value since the last
     * text (whitespace, the marker, separators between calls) is markup and goes with the calls.
     */
    private void value() {
        List<ToolCall> found = CallBodies.calls(held.substring(jsonStart), names);
        if (found == null && marker != null && held.substring(jsonStart).equals(marker)) {
            emit(jsonStart); // "[TOOL_CALLS]" looked like a JSON array: it is the marker, and JSON follows
            state = State.BEFORE_JSON;
            return;
        }
        if (found == null) {
            state = State.TEXT;
            emit(held.length());
            return;
        }
        held.setLength(0);
        for (ToolCall call : found) {
            listener.call(calls++, call);
        }
        state = State.AFTER_CALL;
    }

    private void emit(int n) {
        if (n > 0) {
            String text = held.substring(0, n);
            held.delete(0, n);
            listener.text(text);
        }
    }
}
