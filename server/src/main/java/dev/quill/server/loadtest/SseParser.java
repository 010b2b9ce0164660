package dev.quill.server.loadtest;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Server-sent events from a byte stream that arrives in arbitrary pieces. Each event's
 * {@code data:} lines are joined with newlines and handed on when the blank line that ends the
 * event arrives (the EventSource rules, with the {@code event:}, {@code id:} and comment lines
 * that OpenAI streams do not need ignored). Lines end in LF or CRLF; a line is decoded only once
 * it is whole, so a UTF-8 character split across two pieces is never broken.
 */
final class SseParser {

    private final Consumer<String> onData;
    private Buffer pending = Buffer.buffer();
    private StringBuilder data;

    /** @param onData receives each event's data, e.g. {@code {"id":...}} or {@code [DONE]} */
    SseParser(Consumer<String> onData) {
        this.onData = onData;
    }

    void feed(Buffer piece) {
        pending.appendBuffer(piece);
        int from = 0;
        for (int i = 0; i < pending.length(); i++) {
            if (pending.getByte(i) == '\n') {
                int end = i > from && pending.getByte(i - 1) == '\r' ? i - 1 : i;
                line(pending.getString(from, end, StandardCharsets.UTF_8.name()));
                from = i + 1;
            }
        }
        pending = from == pending.length() ? Buffer.buffer() : pending.getBuffer(from, pending.length());
    }

    /** The stream ended: an event not yet closed by a blank line is still delivered. */
    void end() {
        if (pending.length() > 0) {
            line(pending.toString(StandardCharsets.UTF_8));
            pending = Buffer.buffer();
        }
        line("");
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                String d = data.toString();
                data = null;
                onData.accept(d);
            }
        } else if (line.startsWith("data:")) {
            String value = line.startsWith("data: ") ? line.substring(6) : line.substring(5);
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        }
    }
}
