package dev.quill.server.hostile;

import static dev.quill.server.hostile.Turns.answer;
import static dev.quill.server.hostile.Turns.chat;
import static dev.quill.server.hostile.Turns.content;
import static dev.quill.server.hostile.Turns.history;
import static dev.quill.server.hostile.Turns.httpChat;
import static dev.quill.server.hostile.Turns.lines;
import static dev.quill.server.hostile.Turns.message;
import static dev.quill.server.hostile.Turns.newConversation;
import static dev.quill.server.hostile.Turns.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.WsAnswer;
import dev.quill.server.testing.Pacer;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Issue 12, item 5: a client names its turn (WebSocket {@code turn}, HTTP {@code Idempotency-Key})
 * and a retry of it is applied at most once: an answered turn is replayed from the store, with no
 * new generation; a cut-off one is answered again without storing its message twice.
 */
class TurnRetryTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static WebClient http;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
        http = WebClient.create(quill.vertx);
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    private static long generated() {
        return quill.engine.metrics().snapshot().requestsFinished();
    }

    @Test
    void aRetriedAnsweredTurnIsReplayedFromTheStore() throws Exception {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(chat("c1", null, "turn-1", "hello there", 6));
            WsAnswer first = answer(ws, "c1");
            String conversation = first.start().getString("conversation");
            assertThat(first.done()).isTrue();
            long before = generated();

            ws.send(chat("c2", conversation, "turn-1", "hello there", 6));
            WsAnswer replay = answer(ws, "c2");
            assertThat(replay.start().getString("conversation")).isEqualTo(conversation);
            assertThat(replay.text()).isEqualTo(first.text());
            assertThat(replay.end().getString("finish_reason")).isEqualTo("length");
            assertThat(generated()).as("a replay generates nothing").isEqualTo(before);
            assertThat(lines(history(ws, conversation))).containsExactly("user: hello there", "assistant: " + first.text());
        }
    }

    @Test
    void aRetriedHttpTurnIsReplayedStreamedOrWhole() {
        String conversation = newConversation(quill, http, null);
        JsonObject body = httpChat(conversation, 5, message("user", "count to three"));
        HttpResponse<Buffer> first = post(quill, http, "/v1/chat/completions", null, "key-1", body);
        assertThat(first.statusCode()).isEqualTo(200);
        long before = generated();

        HttpResponse<Buffer> again = post(quill, http, "/v1/chat/completions", null, "key-1", body);
        HttpResponse<Buffer> streamed = post(quill, http, "/v1/chat/completions", null, "key-1", body.copy().put("stream", true));
        assertThat(content(again)).isEqualTo(content(first));
        assertThat(again.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
        assertThat(streamed.bodyAsString()).contains(new JsonObject().put("content", content(first)).encode().replace("{", "").replace("}", ""))
                .endsWith("data: [DONE]\n\n");
        assertThat(generated()).isEqualTo(before);
        assertThat(stored(conversation)).extracting(StoredMessage::content).containsExactly("count to three", content(first));
    }

    @Test
    void aTurnIdReusedForOtherWordsIsAConflict() throws Exception {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(chat("c1", null, "same", "one thing", 3));
            String conversation = answer(ws, "c1").start().getString("conversation");
            ws.send(chat("c2", conversation, "same", "another thing", 3));
            assertThat(answer(ws, "c2").code()).isEqualTo("turn_conflict");
            assertThat(lines(history(ws, conversation))).hasSize(2).doesNotContain("user: another thing");
        }
        String conversation = newConversation(quill, http, null);
        post(quill, http, "/v1/chat/completions", null, "k", httpChat(conversation, 3, message("user", "one")));
        HttpResponse<Buffer> r = post(quill, http, "/v1/chat/completions", null, "k", httpChat(conversation, 3, message("user", "two")));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("turn_conflict");
    }

    @Test
    void malformedTurnIdsAreRefusedAndStoreNothing() throws Exception {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            for (Object bad : List.of("a:b", "x".repeat(129), "", 7, "sp ace")) {
                ws.send(chat("c", null, null, "hi", 3).put("turn", bad));
                JsonObject error = ws.nextOf("error", "c");
                assertThat(error.getString("code")).as("turn %s", bad).isEqualTo("invalid_request");
            }
        }
        String conversation = newConversation(quill, http, null);
        HttpResponse<Buffer> r = post(quill, http, "/v1/chat/completions", null, "bad key:1",
                httpChat(conversation, 3, message("user", "hi")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("param")).isEqualTo("Idempotency-Key");
        assertThat(stored(conversation)).isEmpty();
    }

    /** Paced so that the retry lands while the first is still being written. */
    @Test
    void aRetryOfARunningTurnIsRefusedAndACutOffTurnIsAnsweredAgainWithItsMessageStoredOnce() throws Exception {
        String conversation;
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null);
             WsClient other = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(chat("c1", null, null, "set the scene", 3));
            conversation = answer(ws, "c1").start().getString("conversation");
            try (Pacer pacer = Pacer.start(quill, 20)) {
                ws.send(chat("c2", conversation, "long", "tell me a long story", 150));
                ws.nextOf("start", "c2");
                other.send(chat("o1", conversation, "long", "tell me a long story", 150));
                assertThat(answer(other, "o1").code()).isEqualTo("turn_in_progress");
                ws.send(new JsonObject().put("type", "cancel").put("id", "c2"));
                assertThat(answer(ws, "c2").end().getString("finish_reason")).isEqualTo("cancelled");
            }
            ws.send(chat("c3", conversation, "long", "tell me a long story", 5));
            WsAnswer retry = answer(ws, "c3");
            assertThat(retry.end().getString("finish_reason")).isEqualTo("length");
            JsonArray messages = history(ws, conversation);
            assertThat(lines(messages)).filteredOn(l -> l.equals("user: tell me a long story")).hasSize(1);
            assertThat(messages.stream().map(m -> ((JsonObject) m).getString("finish_reason")).toList())
                    .containsExactly(null, "length", null, "cancelled", "length");
            assertThat(lines(messages).get(4)).isEqualTo("assistant: " + retry.text());
        }
    }

    private static List<StoredMessage> stored(String conversation) {
        return quill.store.history(conversation).toCompletionStage().toCompletableFuture().join();
    }
}
