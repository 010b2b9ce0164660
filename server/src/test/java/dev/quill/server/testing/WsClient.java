package dev.quill.server.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real Vert.x WebSocket client that queues the server's frames for a test to read in order. */
public final class WsClient implements AutoCloseable {

    private final WebSocketClient client;
    private final WebSocket ws;
    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();

    private WsClient(WebSocketClient client, WebSocket ws) {
        this.client = client;
        this.ws = ws;
        ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    }

    public static WsClient connect(Vertx vertx, int port, String uri, String origin) {
        WebSocketClient client = vertx.createWebSocketClient();
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
        if (origin != null) {
            o.addHeader("Origin", origin);
        }
        WebSocket ws = client.connect(o).toCompletionStage().toCompletableFuture().join();
        return new WsClient(client, ws);
    }

    public void send(JsonObject message) {
        ws.writeTextMessage(message.encode()).toCompletionStage().toCompletableFuture().join();
    }

    public void sendText(String raw) {
        ws.writeTextMessage(raw).toCompletionStage().toCompletableFuture().join();
    }

    public void sendBinary(byte[] bytes) {
        ws.writeBinaryMessage(Buffer.buffer(bytes)).toCompletionStage().toCompletableFuture().join();
    }

    /** The next frame from the server, waiting up to 30 s. */
    public JsonObject next() throws InterruptedException {
        JsonObject f = frames.poll(30, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame from the server within 30 s");
        }
        return f;
    }

    /** Skips frames until one of {@code type} (for chat {@code id}, when given) arrives. */
    public JsonObject nextOf(String type, String id) throws InterruptedException {
        while (true) {
            JsonObject f = next();
            if (f.getString("type").equals(type) && (id == null || id.equals(f.getString("id")))) {
                return f;
            }
        }
    }

    @Override
    public void close() {
        ws.close().toCompletionStage().toCompletableFuture().join();
        client.close();
    }
}
