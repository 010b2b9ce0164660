package dev.quill.server.hostile;

import static dev.quill.server.hostile.Turns.answer;
import static dev.quill.server.hostile.Turns.chat;
import static dev.quill.server.hostile.Turns.history;
import static dev.quill.server.hostile.Turns.httpChat;
import static dev.quill.server.hostile.Turns.lines;
import static dev.quill.server.hostile.Turns.message;
import static dev.quill.server.hostile.Turns.newConversation;
import static dev.quill.server.hostile.Turns.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.WsAnswer;
import dev.quill.server.testing.HeldSlot;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.buffer.Buffer;
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
 * Issue 12, item 5: a turn the server refuses (429 overloaded, context_length_exceeded) stores
 * nothing, so the retry that Retry-After invites is stored once. One slot and no waiting room,
 * so a held slot makes the next chat overloaded however fast the tiny model is.
 */
class RefusedTurnTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static WebClient http;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("engine.slots", "1", "engine.max_waiting", "0"));
        http = WebClient.create(quill.vertx);
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    @Test
    void anOverloadedWebSocketTurnStoresNothingAndItsRetryIsStoredOnce() throws Exception {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(chat("c1", null, "t1", "first question", 4));
            WsAnswer first = answer(ws, "c1");
            String conversation = first.start().getString("conversation");
            List<String> before = lines(history(ws, conversation));

            try (HeldSlot held = HeldSlot.hold(quill)) {
                ws.send(chat("c2", conversation, "t2", "second question", 4));
                WsAnswer refused = answer(ws, "c2");
                assertThat(refused.code()).isEqualTo("overloaded");
                assertThat(refused.start()).as("no start for a refused turn").isNull();
                assertThat(lines(history(ws, conversation))).as("a refused turn stores nothing").isEqualTo(before);
            }

            ws.send(chat("c3", conversation, "t2", "second question", 4));
            assertThat(answer(ws, "c3").done()).isTrue();
            List<String> after = lines(history(ws, conversation));
            assertThat(after).hasSize(4).startsWith(before.toArray(String[]::new));
            assertThat(after).filteredOn(l -> l.equals("user: second question")).hasSize(1);
        }
    }

    @Test
    void anOverloadedHttpTurnStoresNothing() throws Exception {
        String conversation = newConversation(quill, http, null);
        HttpResponse<Buffer> refused;
        try (HeldSlot held = HeldSlot.hold(quill)) {
            refused = post(quill, http, "/v1/chat/completions", null, "h1",
                    httpChat(conversation, 4, message("user", "are you busy?")));
        }
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(stored(conversation)).as("a refused turn stores nothing").isEmpty();

        HttpResponse<Buffer> retry = post(quill, http, "/v1/chat/completions", null, "h1",
                httpChat(conversation, 4, message("user", "are you busy?")));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(stored(conversation)).extracting(StoredMessage::role).containsExactly("user", "assistant");
    }

    @Test
    void aTurnTooLongForTheContextStoresNothing() throws Exception {
        String tooLong = "word ".repeat(quill.engine.maxLength() * 2);
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(chat("c1", null, null, "a short start", 4));
            String conversation = answer(ws, "c1").start().getString("conversation");
            List<String> before = lines(history(ws, conversation));

            ws.send(chat("c2", conversation, null, tooLong, 4));
            assertThat(answer(ws, "c2").code()).isEqualTo("context_length_exceeded");
            assertThat(lines(history(ws, conversation))).isEqualTo(before);
        }
        String conversation = newConversation(quill, http, null);
        HttpResponse<Buffer> r = post(quill, http, "/v1/chat/completions", null, null,
                httpChat(conversation, 4, message("user", tooLong)));
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("context_length_exceeded");
        assertThat(stored(conversation)).isEmpty();
    }

    private static List<StoredMessage> stored(String conversation) {
        return quill.store.history(conversation).toCompletionStage().toCompletableFuture().join();
    }
}
