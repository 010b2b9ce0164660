package dev.quill.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.chat.ChatService;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.RawWebSocket;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 12, item 2: a {@code history} frame never exceeds {@code server.ws_history_bytes}. A
 * page holds the newest messages that fit; {@code before} and {@code limit} ask for older ones,
 * and a message larger than a page is cut and marked {@code truncated}.
 */
class HistoryPagingTest {

    private static final int PAGE = 65536;

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("server.ws_history_bytes", String.valueOf(PAGE)));
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    private static String conversationOf(List<String> contents) {
        String conversation = ChatService.newConversationId();
        for (int i = 0; i < contents.size(); i++) {
            quill.store.append(conversation, new StoredMessage("m" + i, i % 2 == 0 ? "user" : "assistant", contents.get(i),
                    i % 2 == 0 ? null : "stop", 1_000L + i)).toCompletionStage().toCompletableFuture().join();
        }
        return conversation;
    }

    /** Asks for a page and reads the raw frame, so its size on the wire is what is checked. */
    private static JsonObject page(String conversation, Integer before, Integer limit) throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(quill.port())) {
            JsonObject ask = new JsonObject().put("type", "history").put("conversation", conversation);
            if (before != null) {
                ask.put("before", before);
            }
            if (limit != null) {
                ask.put("limit", limit);
            }
            String frame = ws.request(ask);
            assertThat(frame.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(PAGE);
            return new JsonObject(frame);
        }
    }

    @Test
    void pagesWalkBackFromTheNewestAndTogetherHoldEveryMessage() throws Exception {
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            contents.add(i + " " + "word ".repeat(1000));
        }
        String conversation = conversationOf(contents);
        JsonObject newest = page(conversation, null, null);
        assertThat(newest.getInteger("total")).isEqualTo(40);
        assertThat(newest.getBoolean("more")).isTrue();
        JsonArray messages = newest.getJsonArray("messages");
        assertThat(messages.getJsonObject(messages.size() - 1).getString("content")).isEqualTo(contents.get(39));
        assertThat(newest.getInteger("first")).isEqualTo(40 - messages.size());

        List<String> all = new ArrayList<>(messages.stream().map(m -> ((JsonObject) m).getString("content")).toList());
        JsonObject p = newest;
        while (p.getBoolean("more")) {
            p = page(conversation, p.getInteger("first"), null);
            assertThat(p.getJsonArray("messages")).isNotEmpty();
            all.addAll(0, p.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("content")).toList());
        }
        assertThat(p.getInteger("first")).isZero();
        assertThat(all).isEqualTo(contents);
    }

    @Test
    void limitAndBeforeChooseThePage() throws Exception {
        String conversation = conversationOf(List.of("a", "b", "c", "d", "e"));
        JsonObject last3 = page(conversation, null, 3);
        assertThat(last3.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("content")).toList())
                .containsExactly("c", "d", "e");
        assertThat(last3.getInteger("first")).isEqualTo(2);
        JsonObject older = page(conversation, 2, 3);
        assertThat(older.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("content")).toList())
                .containsExactly("a", "b");
        assertThat(older.getInteger("before")).isEqualTo(2);
        assertThat(older.getBoolean("more")).isFalse();
        assertThat(page(conversation, 99, null).getJsonArray("messages")).hasSize(5);
    }

    @Test
    void aMessageLargerThanAPageIsCutToFitAndMarked() throws Exception {
        String huge = "\"\u0001é😀x".repeat(40_000); // escapes, two- and four-byte characters
        String conversation = conversationOf(List.of("small", huge));
        JsonObject newest = page(conversation, null, null);
        JsonObject m = newest.getJsonArray("messages").getJsonObject(0);
        assertThat(newest.getJsonArray("messages")).hasSize(1);
        assertThat(m.getBoolean("truncated")).isTrue();
        assertThat(huge).startsWith(m.getString("content"));
        assertThat(m.getString("content").length()).isGreaterThan(PAGE / 8);
        assertThat(newest.getInteger("first")).isEqualTo(1);
        assertThat(page(conversation, 1, null).getJsonArray("messages").getJsonObject(0).getString("content"))
                .isEqualTo("small");
    }

    @Test
    void badPagingFieldsGetTypedErrors() throws Exception {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            for (Object bad : List.of(-1, 1.5, "3")) {
                ws.send(new JsonObject().put("type", "history").put("conversation", "c").put("before", bad));
                JsonObject e = ws.nextOf("error", null);
                assertThat(e.getString("code")).isEqualTo("invalid_request");
                assertThat(e.getString("message")).contains("before");
            }
            ws.send(new JsonObject().put("type", "history").put("conversation", "c").put("limit", 0));
            assertThat(ws.nextOf("error", null).getString("message")).contains("limit");
        }
    }
}
