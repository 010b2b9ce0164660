package dev.quill.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.store.RedisConversationStore;
import dev.quill.server.testing.RedisServer;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** Conversations kept in a real Redis: across server instances, and through Redis outages. */
class RedisConversationsTest {

    @TempDir
    Path dir;

    private ServerFixture quill(RedisServer redis) throws Exception {
        return ServerFixture.start(dir, Map.of("store.redis", redis.uri(), "store.timeout_ms", "1000"),
                c -> RedisConversationStore.connect(c.redisUri(), c.idleExpiry(), c.keyPrefix(), c.storeTimeout()));
    }

    private static JsonObject chat(String id, String conversation, String content) {
        JsonObject m = new JsonObject().put("type", "chat").put("id", id).put("content", content)
                .put("params", new JsonObject().put("temperature", 0).put("max_tokens", 6).put("ignore_eos", true));
        return conversation == null ? m : m.put("conversation", conversation);
    }

    private static JsonArray history(WsClient ws, String conversation) throws InterruptedException {
        ws.send(new JsonObject().put("type", "history").put("conversation", conversation));
        return ws.nextOf("history", null).getJsonArray("messages");
    }

    @Test
    void aConversationContinuesOnAnotherInstanceAfterARestart() throws Exception {
        try (RedisServer redis = RedisServer.ephemeral()) {
            String conversation;
            try (ServerFixture first = quill(redis); WsClient ws = WsClient.connect(first.vertx, first.port(), "/ws", null)) {
                ws.send(chat("t1", null, "remember the word ember"));
                conversation = ws.nextOf("start", "t1").getString("conversation");
                assertThat(ws.nextOf("done", "t1").getString("finish_reason")).isEqualTo("length");
            }
            try (ServerFixture second = quill(redis); WsClient ws = WsClient.connect(second.vertx, second.port(), "/ws", null)) {
                JsonArray before = history(ws, conversation);
                assertThat(before).hasSize(2);
                assertThat(before.getJsonObject(0).getString("content")).isEqualTo("remember the word ember");
                ws.send(chat("t2", conversation, "what was the word?"));
                JsonObject start = ws.nextOf("start", "t2");
                assertThat(start.getString("conversation")).isEqualTo(conversation);
                ws.nextOf("done", "t2");
                JsonArray after = history(ws, conversation);
                assertThat(after).hasSize(4);
                assertThat(after.getJsonObject(2).getString("content")).isEqualTo("what was the word?");
                // the second turn's prompt held the first turn: more prompt tokens than its own message
                assertThat(start.getInteger("prompt_tokens")).isGreaterThan(before.getJsonObject(0).getString("content").length() / 4 + 20);
            }
        }
    }

    @Test
    void redisGoingAwayGivesTypedErrorsAndNothingIsStoredTwiceOrLost() throws Exception {
        try (RedisServer redis = RedisServer.persistent(); ServerFixture q = quill(redis);
             WsClient ws = WsClient.connect(q.vertx, q.port(), "/ws", null)) {
            ws.send(chat("ok1", null, "first turn"));
            String conversation = ws.nextOf("start", "ok1").getString("conversation");
            ws.nextOf("done", "ok1");
            long finishedBefore = q.engine.metrics().snapshot().requestsFinished();

            redis.stop();
            ws.send(chat("down", conversation, "while redis is down"));
            JsonObject error = ws.nextOf("error", "down");
            assertThat(error.getString("code")).isEqualTo("store_unavailable");
            ws.send(new JsonObject().put("type", "history").put("conversation", conversation));
            assertThat(ws.nextOf("error", null).getString("code")).isEqualTo("store_unavailable");
            assertThat(q.engine.metrics().snapshot().requestsFinished())
                    .as("nothing was generated for a turn that could not be stored").isEqualTo(finishedBefore);

            redis.start();
            awaitStoreBack(q);
            ws.send(chat("ok2", conversation, "after redis is back"));
            JsonObject done = ws.nextOf("done", "ok2");
            assertThat(done.getString("finish_reason")).isEqualTo("length");
            JsonArray messages = history(ws, conversation);
            assertThat(messages.stream().map(m -> ((JsonObject) m).getString("content")).toList())
                    .startsWith("first turn")
                    .contains("after redis is back")
                    .doesNotContain("while redis is down");
            assertThat(messages).hasSize(4);
        }
    }

    /** Lettuce reconnects in the background (at most a second apart): poll readiness with a deadline. */
    private static void awaitStoreBack(ServerFixture q) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (q.store.ping().toCompletionStage().toCompletableFuture().handle((v, e) -> e == null).join()) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // poll interval, not synchronisation
        }
        throw new AssertionError("the store did not come back within 30 s");
    }
}
