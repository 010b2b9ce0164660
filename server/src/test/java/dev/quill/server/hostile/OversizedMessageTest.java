package dev.quill.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.RawWebSocket;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Issue 12, item 10: a WebSocket message over twice {@code max_body_bytes} was dropped by Vert.x
 * and the client waited forever. Now it hears {@code payload_too_large}, then a close with 1009,
 * whether the message came as one frame (refused by the frame decoder) or in fragments (refused
 * while being joined). Up to twice the limit the error comes and the socket stays.
 */
class OversizedMessageTest {

    private static final int LIMIT = 4096;

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("server.max_body_bytes", String.valueOf(LIMIT)));
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    /** A chat message of exactly {@code bytes} bytes. */
    private static byte[] chatOf(int bytes) {
        String head = "{\"type\":\"chat\",\"id\":\"big\",\"content\":\"";
        String tail = "\"}";
        byte[] b = new byte[bytes];
        Arrays.fill(b, (byte) 'x');
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, b, 0, head.length());
        System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, b, bytes - tail.length(), tail.length());
        return b;
    }

    private static void expectTooLargeThen1009(RawWebSocket ws) throws Exception {
        RawWebSocket.Message error = ws.read();
        assertThat(error.opcode()).isEqualTo(RawWebSocket.TEXT);
        assertThat(error.json().getString("type")).isEqualTo("error");
        assertThat(error.json().getString("code")).isEqualTo("payload_too_large");
        RawWebSocket.Message close = ws.read();
        assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1009);
    }

    @Test
    void aSingleFrameOverTwiceTheLimitIsAnsweredThenClosedWith1009() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(quill.port())) {
            ws.sendFrame(RawWebSocket.TEXT, true, chatOf(2 * LIMIT + 1000));
            expectTooLargeThen1009(ws);
        }
    }

    @Test
    void aFragmentedMessageOverTwiceTheLimitIsAnsweredThenClosedWith1009() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(quill.port())) {
            byte[] message = chatOf(2 * LIMIT + 1000);
            int piece = 1000;
            for (int at = 0; at < message.length; at += piece) {
                byte[] part = Arrays.copyOfRange(message, at, Math.min(message.length, at + piece));
                ws.sendFrame(at == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION, at + piece >= message.length, part);
            }
            expectTooLargeThen1009(ws);
        }
    }

    @Test
    void aMessageUpToTwiceTheLimitIsAnsweredAndTheSocketStays() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(quill.port())) {
            ws.sendFrame(RawWebSocket.TEXT, true, chatOf(2 * LIMIT - 10));
            assertThat(ws.read().json().getString("code")).isEqualTo("payload_too_large");
            ws.sendJson(new JsonObject().put("type", "conversations").put("client", "c1"));
            assertThat(ws.read().json().getString("type")).isEqualTo("conversations");
        }
    }
}
