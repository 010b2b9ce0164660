package dev.quill.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Connections that hold a slot and do nothing with it, over raw sockets, against a server whose
 * idle and read timeouts are 1 s: each is closed within a couple of seconds, while a WebSocket
 * that answers the server's pings stays open for as long as it likes.
 */
class ConnectionTimeoutsTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    private static final Duration WITHIN = Duration.ofSeconds(4); // 1 s timeouts, and room for a busy machine

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("http.idle_timeout_seconds", "1", "http.request_read_timeout_seconds", "1"));
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    @Test
    void aConnectionThatSaysNothingIsClosed() throws Exception {
        try (Socket s = RawHttp.connect(quill.port())) {
            RawHttp.Response r = RawHttp.read(s); // the server speaks first: 408, then it closes
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.errorCode()).isEqualTo("request_timeout");
            assertThat(RawHttp.closedWithin(s, WITHIN)).isTrue();
        }
    }

    @Test
    void slowlorisIsClosedThoughItKeepsSendingBytes() throws Exception {
        try (Socket s = RawHttp.connect(quill.port())) {
            RawHttp.send(s, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            long start = System.nanoTime();
            boolean closed = false;
            // one header byte every 100 ms: each resets any timer that counts silence, not this one
            while (!closed && System.nanoTime() - start < WITHIN.toNanos()) {
                try {
                    RawHttp.send(s, "X");
                } catch (IOException e) {
                    closed = true; // the write hit the closed connection
                }
                closed |= RawHttp.closedWithin(s, Duration.ofMillis(100));
            }
            assertThat(closed).as("closed while still sending").isTrue();
        }
    }

    @Test
    void aKeepAliveConnectionIsClosedOnceIdle() throws Exception {
        try (Socket s = RawHttp.connect(quill.port())) {
            RawHttp.send(s, RawHttp.get("/health/live", "127.0.0.1"));
            assertThat(RawHttp.read(s).status()).isEqualTo(200);
            assertThat(RawHttp.closedWithin(s, WITHIN)).isTrue(); // silently: no request is waiting for an answer
        }
    }

    @Test
    void aWebSocketThatNeverAnswersPingsIsClosedWith1001() throws Exception {
        try (Socket s = RawHttp.connect(quill.port())) {
            upgrade(s);
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.setSoTimeout((int) WITHIN.toMillis());
            int opcode;
            do {
                opcode = readFrame(in).opcode; // pings (9), unanswered
            } while (opcode == 9);
            assertThat(opcode).isEqualTo(8);
        }
    }

    @Test
    void aWebSocketThatAnswersPingsOutlivesTheIdleTimeout() throws Exception {
        try (Socket s = RawHttp.connect(quill.port())) {
            upgrade(s);
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.setSoTimeout((int) WITHIN.toMillis());
            // the server pings every 0.5 s: six answered pings span three idle timeouts
            for (int i = 0; i < 6; i++) {
                Frame f = readFrame(in);
                assertThat(f.opcode).as("frame %d", i).isEqualTo(9);
                pong(s.getOutputStream(), f.payload);
            }
        }
    }

    private void upgrade(Socket s) throws IOException {
        RawHttp.send(s, RawHttp.get("/ws", "127.0.0.1:" + quill.port(), "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"));
        assertThat(RawHttp.read(s).status()).isEqualTo(101);
    }

    private record Frame(int opcode, byte[] payload) {
    }

    /** One unmasked server frame (small payloads only, as control frames are). */
    private static Frame readFrame(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int len = in.readUnsignedByte() & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** A client's frames are masked (RFC 6455): a pong echoing the ping's payload. */
    private static void pong(OutputStream out, byte[] payload) throws IOException {
        byte[] mask = {1, 2, 3, 4};
        ByteBuffer b = ByteBuffer.allocate(6 + payload.length);
        b.put((byte) 0x8A).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            b.put((byte) (payload[i] ^ mask[i % 4]));
        }
        out.write(b.array());
        out.flush();
    }

}
