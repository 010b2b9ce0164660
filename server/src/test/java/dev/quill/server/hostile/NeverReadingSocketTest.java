package dev.quill.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.chat.ChatService;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.RawWebSocket;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Issue 12, item 2: a WebSocket client that asks for large history pages and never reads them.
 * Before the fix every request queued another page without bound (1 GB, then OutOfMemoryError);
 * now the socket stops being read once its frames wait, and one that still overflows its cap is
 * closed with 1008 and its generations cancelled.
 */
class NeverReadingSocketTest {

    @TempDir
    Path dir;

    private static final int REQUESTS = 3000;

    /** A conversation holding one large message, put straight into the store. */
    private static String bigConversation(ServerFixture q, int chars) {
        String conversation = ChatService.newConversationId();
        q.store.append(conversation, new StoredMessage("big", "user", "x".repeat(chars), null, System.currentTimeMillis()))
                .toCompletionStage().toCompletableFuture().join();
        return conversation;
    }

    /** Sends {@code n} history requests from a thread of its own: once the server stops reading, writes block. */
    private static Thread flood(RawWebSocket attacker, String conversation, int n) {
        JsonObject ask = new JsonObject().put("type", "history").put("conversation", conversation);
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    attacker.sendJson(ask);
                }
            } catch (IOException e) {
                // the server closed the connection: the flood is over
            }
        }, "history-flood");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static JsonObject chat(String id, int maxTokens) {
        return new JsonObject().put("type", "chat").put("id", id).put("content", "tell me a story")
                .put("params", new JsonObject().put("temperature", 0).put("max_tokens", maxTokens).put("ignore_eos", true));
    }

    @Test
    void aSocketThatIsNotReadStopsBeingReadAndOthersAreServedMeanwhile() throws Exception {
        long cap = 4L << 20;
        try (ServerFixture q = ServerFixture.start(dir, Map.of("server.ws_history_bytes", "1048576",
                "server.ws_max_queued_bytes", String.valueOf(cap)));
             Probe probe = new Probe(q)) {
            String conversation = bigConversation(q, 900_000);
            try (RawWebSocket attacker = RawWebSocket.connect(q.port())) {
                flood(attacker, conversation, REQUESTS);
                // the kernel's buffers take some pages; then one waits in the server, and reading stops
                assertThat(probe.await("quill_websocket_queued_bytes", v -> v >= 900_000)).isGreaterThanOrEqualTo(900_000);

                List<Long> queued = new java.util.ArrayList<>();
                try (WsClient normal = WsClient.connect(q.vertx, q.port(), "/ws", null)) {
                    normal.send(chat("n1", 30));
                    queued.add(probe.metric("quill_websocket_queued_bytes"));
                    assertThat(probe.liveStatus()).isEqualTo(200);
                    JsonObject done = normal.nextOf("done", "n1");
                    assertThat(done.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(30);
                    queued.add(probe.metric("quill_websocket_queued_bytes"));
                    assertThat(probe.liveStatus()).isEqualTo(200);
                }
                try (RawWebSocket reader = RawWebSocket.connect(q.port())) { // a client that reads gets the page
                    reader.sendJson(new JsonObject().put("type", "history").put("conversation", conversation));
                    JsonObject page = reader.read().json();
                    assertThat(page.getJsonArray("messages").getJsonObject(0).getString("content")).hasSize(900_000);
                    queued.add(probe.metric("quill_websocket_queued_bytes"));
                }
                assertThat(queued).allSatisfy(v -> assertThat(v).isLessThanOrEqualTo(cap));
                // had the server gone on reading, it would have answered all 3000 by now
                assertThat(probe.metric("quill_websocket_messages_total")).isLessThan(REQUESTS / 2);
                assertThat(probe.metric("quill_websocket_overflow_closes_total")).isZero();
            }
            // the client left: what waited for it is freed
            assertThat(probe.await("quill_websocket_connections", v -> v == 0)).isZero();
            assertThat(probe.await("quill_websocket_queued_bytes", v -> v == 0)).isZero();
        }
    }

    @Test
    void aSocketPastItsCapIsClosedWith1008AndItsGenerationCancelled() throws Exception {
        // a cap no larger than one page: a second page waiting passes it
        try (ServerFixture q = ServerFixture.start(dir, Map.of("server.ws_history_bytes", "65536",
                "server.ws_max_queued_bytes", "65536"));
             Probe probe = new Probe(q)) {
            String conversation = bigConversation(q, 100_000);
            try (RawWebSocket attacker = RawWebSocket.connect(q.port())) {
                attacker.sendJson(chat("long", 200));
                JsonObject start = attacker.read().json(); // reads the start of the answer, then no more
                assertThat(start.getString("type")).isEqualTo("start");
                String chatConversation = start.getString("conversation");
                flood(attacker, conversation, REQUESTS);

                assertThat(probe.await("quill_websocket_overflow_closes_total", v -> v == 1)).isEqualTo(1);
                List<StoredMessage> stored = awaitAnswer(q, chatConversation);
                assertThat(stored.get(stored.size() - 1).finishReason()).isEqualTo("cancelled");
                // a client that reads again gets what was queued, then the close
                RawWebSocket.Message close = attacker.readUntilClose();
                assertThat(close.closeCode()).isEqualTo(1008);
                assertThat(close.text()).contains("not reading");
            }
            assertThat(probe.await("quill_websocket_queued_bytes", v -> v == 0)).isZero();
        }
    }

    @Test
    void aClosedSocketWhoseClientNeverReadsIsCutAndItsQueueFreed() throws Exception {
        try (ServerFixture q = ServerFixture.start(dir, Map.of("server.ws_history_bytes", "65536",
                "server.ws_max_queued_bytes", "65536"));
             Probe probe = new Probe(q);
             RawWebSocket attacker = RawWebSocket.connect(q.port())) {
            String conversation = bigConversation(q, 100_000);
            flood(attacker, conversation, REQUESTS);
            assertThat(probe.await("quill_websocket_overflow_closes_total", v -> v == 1)).isEqualTo(1);
            // the close frame waits behind what the client does not read: the server cuts the connection
            assertThat(probe.await("quill_websocket_connections", v -> v == 0)).isZero();
            assertThat(probe.await("quill_websocket_queued_bytes", v -> v == 0)).isZero();
            assertThat(attacker.readsToEndOfStream()).isTrue();
        }
    }

    /** The conversation's messages once its answer is stored (polled, up to 30 s). */
    private static List<StoredMessage> awaitAnswer(ServerFixture q, String conversation) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            List<StoredMessage> h = q.store.history(conversation).toCompletionStage().toCompletableFuture().join();
            if (h.stream().anyMatch(m -> m.role().equals("assistant")) || System.nanoTime() > deadline) {
                return h;
            }
            Thread.sleep(20);
        }
    }
}
