package dev.quill.server.toolcall;

import java.util.List;
import java.util.Set;

/**
 * Hermes / Qwen markup: each call is {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}
 * anywhere in the text, prose around and between calls. A body that is not a call to an offered
 * function is passed on as text with its tags. At the end, a body whose closing tag never came is
 * still a call when it is a whole one (models often stop at end-of-turn instead of the tag).
 */
final class HermesParser implements ToolCallParser {

    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";

    private final ToolCallListener listener;
    private final Set<String> names;
    private final StringBuilder pending = new StringBuilder(); // outside: held text; inside: the body so far
    private boolean inside;
    private int calls;

    HermesParser(ToolCallListener listener, Set<String> names) {
        this.listener = listener;
        this.names = names;
    }

    @Override
    public void feed(String delta) {
        pending.append(delta);
        while (true) {
            String marker = inside ? CLOSE : OPEN;
            int at = pending.indexOf(marker);
            if (at < 0) {
                if (!inside) {
                    int keep = Markers.partialSuffix(pending, OPEN);
                    text(pending.substring(0, pending.length() - keep));
                    pending.delete(0, pending.length() - keep);
                }
                return;
            }
            String before = pending.substring(0, at);
            pending.delete(0, at + marker.length());
            if (inside) {
                body(before, true);
            } else {
                text(before);
            }
            inside = !inside;
        }
    }

    @Override
    public void finish() {
        if (inside) {
            body(pending.toString(), false);
        } else {
            text(pending.toString());
        }
        pending.setLength(0);
        inside = false;
    }

    private void body(String body, boolean closed) {
        List<ToolCall> found = CallBodies.calls(body, names);
        if (found == null) {
            text(OPEN + body + (closed ? CLOSE : ""));
            return;
        }
        for (ToolCall call : found) {
            listener.call(calls++, call);
        }
    }

    private void text(String s) {
        if (!s.isEmpty()) {
            listener.text(s);
        }
    }
}
