package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The SSE framing, fed in awkward pieces. */
class SseParserTest {

    private static List<String> parse(byte[] stream, int pieceSize) {
        List<String> events = new ArrayList<>();
        SseParser p = new SseParser(events::add);
        for (int i = 0; i < stream.length; i += pieceSize) {
            p.feed(Buffer.buffer(java.util.Arrays.copyOfRange(stream, i, Math.min(stream.length, i + pieceSize))));
        }
        p.end();
        return events;
    }

    @Test
    void eventsSurviveAnySplitIncludingInsideAUtf8Character() {
        String text = ": keep-alive comment\n\n"
                + "data: {\"text\":\"héllo ✓\"}\n\n"
                + "event: ignored\r\ndata:no-space\r\n\r\n"
                + "data: line one\ndata: line two\n\n"
                + "data: [DONE]\n\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int size = 1; size <= bytes.length; size++) {
            assertThat(parse(bytes, size)).as("pieces of %d bytes", size)
                    .containsExactly("{\"text\":\"héllo ✓\"}", "no-space", "line one\nline two", "[DONE]");
        }
    }

    @Test
    void anEventNotClosedByABlankLineIsDeliveredAtTheEnd() {
        assertThat(parse("data: [DONE]".getBytes(StandardCharsets.UTF_8), 4)).containsExactly("[DONE]");
    }
}
