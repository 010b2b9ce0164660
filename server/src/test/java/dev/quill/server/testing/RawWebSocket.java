package dev.quill.server.testing;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a plain {@link Socket}, so a test controls what a library would
 * not let it: never reading, a frame of any size, a message in any number of fragments. Frames
 * are written masked (RFC 6455 section 5.3) and read one whole message at a time.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;

    /** One message from the server; for a close, {@code code} and the reason as text. */
    public record Message(int opcode, byte[] payload) {
        public String text() {
            return new String(opcode == CLOSE && payload.length >= 2 ? java.util.Arrays.copyOfRange(payload, 2, payload.length)
                    : payload, StandardCharsets.UTF_8);
        }

        public JsonObject json() {
            return new JsonObject(text());
        }

        public int closeCode() {
            return opcode == CLOSE && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects and upgrades; fails unless the server answers 101. */
    public static RawWebSocket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        RawWebSocket ws = new RawWebSocket(s);
        ws.out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
        return ws;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the upgrade");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    public void sendJson(JsonObject message) throws IOException {
        sendFrame(TEXT, true, message.encode().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes one masked frame. */
    public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** Reads the next whole message (continuation frames joined); control frames are returned as they come. */
    public Message read() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int first = -1;
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            if ((b1 & 0x80) != 0) {
                throw new IOException("a server frame must not be masked");
            }
            byte[] payload = new byte[Math.toIntExact(len)];
            in.readFully(payload);
            int opcode = b0 & 0x0f;
            if (opcode >= 0x8) {
                return new Message(opcode, payload);
            }
            if (first < 0) {
                first = opcode;
            }
            message.write(payload);
            if ((b0 & 0x80) != 0) {
                return new Message(first, message.toByteArray());
            }
        }
    }

    /** Sends a request and returns the next text message's text. */
    public String request(JsonObject message) throws IOException {
        sendJson(message);
        return read().text();
    }

    /** Reads messages until the close frame, which it returns; fails at end of stream before one. */
    public Message readUntilClose() throws IOException {
        while (true) {
            Message m = read();
            if (m.opcode() == CLOSE) {
                return m;
            }
        }
    }

    /** Reads until the server ends the TCP stream; true if it did (rather than the read timing out). */
    public boolean readsToEndOfStream() throws IOException {
        InputStream raw = socket.getInputStream();
        byte[] sink = new byte[65536];
        try {
            while (raw.read(sink) >= 0) {
                // discard: only the end matters
            }
            return true;
        } catch (java.net.SocketException e) {
            return true; // reset by the server: also an end
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
