package dev.quill.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** The WebSocket protocol over a real connection: streaming, history, cancel, and typed errors. */
class ChatSocketTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("server.max_streams_per_socket", "2", "server.max_body_bytes", "4096"));
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    private WsClient connect() {
        return WsClient.connect(quill.vertx, quill.port(), "/ws", null);
    }

    private static JsonObject chat(String id, String conversation, String content, int maxTokens) {
        JsonObject m = new JsonObject().put("type", "chat").put("id", id).put("content", content)
                .put("params", new JsonObject().put("temperature", 0).put("max_tokens", maxTokens).put("ignore_eos", true));
        return conversation == null ? m : m.put("conversation", conversation);
    }

    @Test
    void aChatStreamsDeltasThenDoneAndIsStored() throws Exception {
        try (WsClient ws = connect()) {
            ws.send(chat("c1", null, "Hello there", 9));
            JsonObject start = ws.nextOf("start", "c1");
            String conversation = start.getString("conversation");
            assertThat(conversation).startsWith("conv-");
            assertThat(start.getString("model")).isEqualTo("tiny-qwen2");
            StringBuilder text = new StringBuilder();
            JsonObject f;
            while (!(f = ws.next()).getString("type").equals("done")) {
                if (text.isEmpty() && f.getString("type").equals("progress")) {
                    continue; // how far the prompt is read, before the first text (ProgressFrameTest)
                }
                assertThat(f.getString("type")).isEqualTo("delta");
                text.append(f.getString("text"));
            }
            assertThat(f.getString("finish_reason")).isEqualTo("length");
            assertThat(f.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(9);
            assertThat(f.getJsonObject("timings").getDouble("time_to_first_token_ms")).isPositive();

            ws.send(new JsonObject().put("type", "history").put("conversation", conversation));
            JsonArray messages = ws.nextOf("history", null).getJsonArray("messages");
            assertThat(messages).hasSize(2);
            assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("user");
            assertThat(messages.getJsonObject(0).getString("content")).isEqualTo("Hello there");
            assertThat(messages.getJsonObject(1).getString("content")).isEqualTo(text.toString());
            assertThat(messages.getJsonObject(1).getString("finish_reason")).isEqualTo("length");
        }
    }

    @Test
    void twoConversationsStreamOnOneSocket() throws Exception {
        try (WsClient ws = connect()) {
            ws.send(chat("a", null, "first", 12));
            ws.send(chat("b", null, "second", 5));
            int done = 0;
            java.util.Set<String> starts = new java.util.HashSet<>();
            while (done < 2) {
                JsonObject f = ws.next();
                switch (f.getString("type")) {
                    case "start" -> starts.add(f.getString("id"));
                    case "done" -> done++;
                    case "delta", "progress" -> assertThat(starts).contains(f.getString("id"));
                    default -> throw new AssertionError("unexpected " + f);
                }
            }
            assertThat(starts).containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void cancelEndsTheStreamAndTheCancelledAnswerIsStored() throws Exception {
        try (WsClient ws = connect()) {
            ws.send(chat("long", null, "tell me everything", 120));
            String conversation = ws.nextOf("start", "long").getString("conversation");
            ws.nextOf("delta", "long");
            ws.send(new JsonObject().put("type", "cancel").put("id", "long"));
            JsonObject done = ws.nextOf("done", "long");
            assertThat(done.getString("finish_reason")).isEqualTo("cancelled");
            assertThat(done.getJsonObject("usage").getInteger("completion_tokens")).isLessThan(120);
            ws.send(new JsonObject().put("type", "history").put("conversation", conversation));
            JsonArray messages = ws.nextOf("history", null).getJsonArray("messages");
            assertThat(messages.getJsonObject(1).getString("finish_reason")).isEqualTo("cancelled");
        }
    }

    @Test
    void aClientThatDisconnectsFreesItsSlot() throws Exception {
        WsClient ws = connect();
        ws.send(chat("gone", null, "a long answer please", 150));
        ws.nextOf("delta", "gone");
        ws.close();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (quill.engine.metrics().snapshot().running() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // polling a metric with a deadline, not sleeping to synchronise
        }
        assertThat(quill.engine.metrics().snapshot().running()).isZero();
    }

    @Test
    void badMessagesGetTypedErrors() throws Exception {
        try (WsClient ws = connect()) {
            ws.sendText("{not json");
            assertThat(ws.nextOf("error", null).getString("code")).isEqualTo("invalid_json");
            ws.sendBinary(new byte[] {1, 2, 3});
            assertThat(ws.nextOf("error", null).getString("code")).isEqualTo("binary_not_supported");
            ws.send(new JsonObject().put("type", "dance"));
            assertThat(ws.nextOf("error", null).getString("code")).isEqualTo("unknown_type");
            ws.send(new JsonObject().put("type", "chat").put("id", "e1").put("content", ""));
            assertThat(ws.nextOf("error", "e1").getString("code")).isEqualTo("invalid_request");
            ws.send(chat("e2", null, "hi", 5).put("params", new JsonObject().put("temperature", -1)));
            JsonObject bad = ws.nextOf("error", "e2");
            assertThat(bad.getString("code")).isEqualTo("invalid_request");
            assertThat(bad.getString("message")).contains("temperature");
            ws.sendText(chat("e3", null, "x".repeat(5000), 5).encode());
            assertThat(ws.nextOf("error", null).getString("code")).isEqualTo("payload_too_large");
            ws.send(chat("e4", null, "hello", 100_000));
            assertThat(ws.nextOf("error", "e4").getString("code")).isEqualTo("context_length_exceeded");
            ws.send(new JsonObject().put("type", "cancel").put("id", "nobody"));
            assertThat(ws.nextOf("error", "nobody").getString("code")).isEqualTo("unknown_id");
        }
    }

    @Test
    void tooManyStreamsOnOneSocketAreRefused() throws Exception {
        try (WsClient ws = connect()) {
            ws.send(chat("s1", null, "one", 100));
            ws.send(chat("s2", null, "two", 100));
            ws.send(chat("s3", null, "three", 100));
            assertThat(ws.nextOf("error", "s3").getString("code")).isEqualTo("too_many_streams");
            ws.send(new JsonObject().put("type", "cancel").put("id", "s1"));
            ws.send(new JsonObject().put("type", "cancel").put("id", "s2"));
            ws.nextOf("done", null);
        }
    }

    @Test
    void aChatWithAClientIsListedInItsConversationsNewestFirst() throws Exception {
        String client = "k-" + java.util.UUID.randomUUID();
        try (WsClient ws = connect()) {
            ws.send(chat("t1", null, "  What is\n a fox?  ", 2).put("client", client));
            String first = ws.nextOf("start", "t1").getString("conversation");
            ws.nextOf("done", "t1");
            ws.send(chat("t2", null, "x".repeat(100), 2).put("client", client));
            String second = ws.nextOf("start", "t2").getString("conversation");
            ws.nextOf("done", "t2");
            ws.send(chat("t3", first, "and a dog?", 2).put("client", client)); // continuing moves it up
            ws.nextOf("done", "t3");

            ws.send(new JsonObject().put("type", "conversations").put("client", client));
            JsonArray items = ws.nextOf("conversations", null).getJsonArray("items");
            assertThat(items).hasSize(2);
            JsonObject top = items.getJsonObject(0);
            assertThat(top.getString("id")).isEqualTo(first);
            assertThat(top.getString("title")).isEqualTo("What is a fox?");
            assertThat(top.getLong("updated")).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
            assertThat(items.getJsonObject(1).getString("id")).isEqualTo(second);
            assertThat(items.getJsonObject(1).getString("title")).hasSize(60).endsWith("x…");
        }
    }

    @Test
    void conversationsNeedsAValidClientId() throws Exception {
        try (WsClient ws = connect()) {
            ws.send(new JsonObject().put("type", "conversations"));
            assertThat(ws.nextOf("error", null).getString("code")).isEqualTo("invalid_request");
            ws.send(new JsonObject().put("type", "conversations").put("client", "a}b"));
            assertThat(ws.nextOf("error", null).getString("code")).isEqualTo("invalid_request");
            ws.send(chat("bad", null, "hi", 2).put("client", 42));
            assertThat(ws.nextOf("error", "bad").getString("code")).isEqualTo("invalid_request");
            ws.send(new JsonObject().put("type", "conversations").put("client", "never-seen"));
            assertThat(ws.nextOf("conversations", null).getJsonArray("items")).isEmpty();
        }
    }
}
