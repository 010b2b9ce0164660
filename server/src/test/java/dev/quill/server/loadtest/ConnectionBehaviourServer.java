package dev.quill.server.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-format server written on a bare TCP socket, so that it can treat its connections the
 * ways real servers do, which a full HTTP server would not let a test choose: the answers are
 * {@link ScriptedOpenAiServer}'s, the connection handling is one of {@link Behaviour}.
 *
 * <p>A server's close and a client's next request can cross on the wire; which comes first is
 * luck. To make that race happen on every run rather than by chance, a connection the server has
 * decided to close is closed when a request arrives on it, unanswered, as if the close had been
 * sent just before: the request is counted in {@link #dropped}. A connection nobody writes to is
 * closed for real a while later.
 */
final class ConnectionBehaviourServer implements AutoCloseable {

    enum Behaviour {
        /** HTTP/1.1 chunked, no {@code Connection} header, and the connection closed after one answer. */
        CLOSE_AFTER_ANSWER,
        /** The same, saying {@code Connection: close}, and closed as soon as the answer is written. */
        CLOSE_ANNOUNCED,
        /** Keep-alive, but a connection idle for {@link #IDLE_MS} is closed. */
        IDLE_TIMEOUT,
        /** An HTTP/1.0 server: no length, no chunks; the body ends when the connection does. */
        HTTP_1_0
    }

    static final long IDLE_MS = 20;
    /** How long a connection the server is closing stays open for a request to cross the close. */
    static final long LINGER_MS = 1000;

    final List<JsonObject> bodies = new CopyOnWriteArrayList<>(); // chat requests answered
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger(); // requests that met the server's close
    private final Behaviour behaviour;
    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;

    ConnectionBehaviourServer(Behaviour behaviour) {
        this.behaviour = behaviour;
        this.server = vertx.createNetServer().connectHandler(s -> new Connection(s).start()).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
    }

    int port() {
        return server.actualPort();
    }

    /** One TCP connection: its requests parsed from the bytes as they come, answered in turn. */
    private final class Connection {
        final NetSocket socket;
        Buffer pending = Buffer.buffer();
        boolean closing; // the server has decided to close it
        long timer = -1;

        Connection(NetSocket socket) {
            this.socket = socket;
        }

        void start() {
            connections.incrementAndGet();
            socket.handler(this::feed);
        }

        void feed(Buffer bytes) {
            pending.appendBuffer(bytes);
            while (true) {
                String text = pending.toString(StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd < 0) {
                    return;
                }
                String[] lines = text.substring(0, headEnd).split("\r\n");
                int length = 0;
                for (String line : lines) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
                if (pending.length() < headEnd + 4 + length) {
                    return;
                }
                Buffer body = pending.getBuffer(headEnd + 4, headEnd + 4 + length);
                pending = pending.getBuffer(headEnd + 4 + length, pending.length());
                if (!answer(lines[0].split(" ")[1], body)) {
                    return;
                }
            }
        }

        /** Whether the connection takes another request after this one. */
        boolean answer(String path, Buffer body) {
            if (closing) {
                dropped.incrementAndGet();
                socket.close();
                return false;
            }
            vertx.cancelTimer(timer);
            String payload;
            String type;
            if (path.endsWith("/v1/models")) {
                type = "application/json";
                payload = new JsonObject().put("object", "list").put("data", new JsonArray()
                        .add(new JsonObject().put("id", ScriptedOpenAiServer.MODEL).put("object", "model"))).encode();
            } else {
                JsonObject request = body.toJsonObject();
                bodies.add(request);
                type = "text/event-stream";
                payload = ScriptedOpenAiServer.stream(request.getJsonArray("messages").size());
            }
            switch (behaviour) {
                case CLOSE_AFTER_ANSWER -> {
                    socket.write(chunked("", type, payload));
                    closeLater(0);
                }
                case CLOSE_ANNOUNCED -> {
                    socket.write(chunked("Connection: close\r\n", type, payload));
                    socket.close();
                    return false;
                }
                case IDLE_TIMEOUT -> {
                    socket.write(chunked("", type, payload));
                    timer = vertx.setTimer(IDLE_MS, id -> closeLater(IDLE_MS));
                }
                case HTTP_1_0 -> {
                    socket.write(Buffer.buffer("HTTP/1.0 200 OK\r\nContent-Type: " + type + "\r\n\r\n" + payload,
                            "UTF-8"));
                    socket.close();
                    return false;
                }
            }
            return true;
        }

        /** From now on a request meets the close; with none, the connection is closed {@link #LINGER_MS} later. */
        void closeLater(long alreadyIdleMs) {
            closing = true;
            timer = vertx.setTimer(LINGER_MS - alreadyIdleMs, id -> socket.close());
        }
    }

    private static Buffer chunked(String headers, String type, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        Buffer b = Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nTransfer-Encoding: chunked\r\n"
                + headers + "\r\n");
        for (int i = 0; i < data.length; i += 100) { // several chunks, as a stream arrives
            int n = Math.min(100, data.length - i);
            b.appendString(Integer.toHexString(n) + "\r\n").appendBytes(data, i, n).appendString("\r\n");
        }
        return b.appendString("0\r\n\r\n");
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
