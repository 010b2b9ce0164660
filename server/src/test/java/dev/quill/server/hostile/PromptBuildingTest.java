package dev.quill.server.hostile;

import static dev.quill.server.hostile.Wire.chat;
import static dev.quill.server.hostile.Wire.error;
import static dev.quill.server.hostile.Wire.manyMessages;
import static dev.quill.server.hostile.Wire.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Issue 12, item 3, over real sockets: prompt building is linear and bounded, runs on its own
 * bounded executor, refuses what cannot fit before tokenizing it, and stops when the client goes.
 * One prompt worker with room for 8 waiting builds, and 4,000 messages a request, so that a few
 * requests make real queues.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PromptBuildingTest {

    static final int BIG = 4000;

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static Wire wire;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("server.max_messages", String.valueOf(BIG),
                "server.prompt_workers", "1", "server.prompt_queue", "8"));
        wire = new Wire(quill);
    }

    @AfterAll
    static void stop() {
        wire.close();
        quill.close();
    }

    @Test
    void thousandsOfMessagesAreFittedInLogarithmicallyManyRenders() {
        long renders = wire.metric("quill_prompt_renders_total");

        HttpResponse<Buffer> r = wire.post("/v1/chat/completions", stored(chat(manyMessages(BIG), 2)));

        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getJsonObject("usage").getInteger("prompt_tokens")).isBetween(200, 254);
        // the old way re-rendered once per dropped message: ~3,960 renders of up to 4,000 messages
        assertThat(wire.metric("quill_prompt_renders_total") - renders).isLessThanOrEqualTo(2 + 12);
    }

    @Test
    void moreMessagesThanTheLimitIsAClear400() {
        HttpResponse<Buffer> r = wire.post("/v1/chat/completions", chat(manyMessages(BIG + 1), 2));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).getString("code")).isEqualTo("invalid_request");
        assertThat(error(r).getString("param")).isEqualTo("messages");
        assertThat(error(r).getString("message")).contains(String.valueOf(BIG + 1)).contains(String.valueOf(BIG));
    }

    @Test
    void aHugeWordIsRefusedWithoutBeingTokenized() throws Exception {
        String word = "w".repeat(600_000);
        long renders = wire.metric("quill_prompt_renders_total");

        HttpResponse<Buffer> chat = wire.post("/v1/chat/completions", chat(new JsonArray().add(user(word)), 2));
        HttpResponse<Buffer> completion = wire.post("/v1/completions", new JsonObject().put("prompt", word));
        JsonObject frame;
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(new JsonObject().put("type", "chat").put("id", "w1").put("content", word));
            frame = ws.nextOf("error", "w1");
        }

        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(error(chat).getString("code")).isEqualTo("context_length_exceeded");
        assertThat(error(chat).getString("message")).contains("at least");
        assertThat(error(completion).getString("code")).isEqualTo("context_length_exceeded");
        assertThat(frame.getString("code")).isEqualTo("context_length_exceeded");
        assertThat(wire.metric("quill_prompt_renders_total")).isEqualTo(renders);
    }

    @Test
    void aFullPromptQueueAnswers429AtOnce() {
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        io.vertx.ext.web.client.WebClient client = io.vertx.ext.web.client.WebClient.create(quill.vertx,
                new io.vertx.ext.web.client.WebClientOptions(), new PoolOptions().setHttp1MaxSize(16));
        Buffer body = stored(chat(manyMessages(BIG), 1)).toBuffer();
        for (int i = 0; i < 14; i++) { // 1 running + 8 waiting, the rest refused
            sent.add(client.post(quill.port(), "127.0.0.1", "/v1/chat/completions")
                    .putHeader("Content-Type", "application/json").sendBuffer(body));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<HttpResponse<Buffer>> f : sent) {
            HttpResponse<Buffer> r = f.toCompletionStage().toCompletableFuture().join();
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                assertThat(error(r).getString("code")).isEqualTo("overloaded");
                assertThat(r.getHeader("Retry-After")).isNotNull();
            }
        }
        client.close();
        assertThat(statuses).contains(429).containsOnly(200, 429);
        assertThat(wire.metric("quill_prompt_builds_overloaded_total")).isPositive();
    }

    /**
     * Builds of clients that left are skipped or stopped, and never reach the engine; /metrics
     * answers while they are queued, and a normal chat answers before the abandoned builds would
     * all have run (only one prompt worker, so it waits behind them in the queue).
     */
    @Test
    void abandonedBuildsAreCancelledAndDoNotHoldOthersUp() throws Exception {
        long builtBefore = wire.metric("quill_prompt_builds_total");
        long cancelledBefore = wire.metric("quill_prompt_builds_cancelled_total");
        long engineBefore = quill.engine.metrics().snapshot().requestsSubmitted();
        HttpClient raw = quill.vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(16));
        List<HttpClientRequest> abandoned = new ArrayList<>();
        // The one prompt worker is held, so the builds below queue whatever the machine's speed.
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        quill.server.prompts().run(() -> gate.await(60, TimeUnit.SECONDS));
        String whileQueued;
        try {
            for (int i = 0; i < 6; i++) { // with the socket's, 7, and the held one: the queue keeps a place for the normal chat
                HttpClientRequest req = raw.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                        .setPort(quill.port()).setURI("/v1/chat/completions").putHeader("Content-Type", "application/json"))
                        .toCompletionStage().toCompletableFuture().join();
                req.response().onFailure(e -> { }); // the test closes it
                req.end(stored(chat(manyMessages(BIG), 1)).toBuffer());
                abandoned.add(req);
            }
            WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null);
            ws.send(new JsonObject().put("type", "chat").put("id", "gone").put("content", "Hi"));
            whileQueued = awaitMetrics("quill_prompt_builds_pending", pending -> pending >= 7);
            long connections = Wire.value(whileQueued, "quill_http_connections");

            abandoned.forEach(req -> req.connection().close());
            ws.close();
            awaitMetrics("quill_http_connections", open -> open <= connections - 6); // the server saw them go
        } finally {
            gate.countDown();
        }
        HttpResponse<Buffer> normal = wire.post("/v1/chat/completions", chat(new JsonArray().add(user("Hi")), 2));

        String after = wire.metrics();
        assertThat(Wire.value(whileQueued, "quill_prompt_builds_pending")).isGreaterThanOrEqualTo(7); // /metrics answered
        assertThat(normal.statusCode()).isEqualTo(200);
        long built = Wire.value(after, "quill_prompt_builds_total") - builtBefore;
        long cancelled = Wire.value(after, "quill_prompt_builds_cancelled_total") - cancelledBefore;
        assertThat(built + cancelled).isEqualTo(6 + 1 + 1); // every build has ended by the time the normal one did
        assertThat(cancelled).as("abandoned builds were skipped, not run to the end").isGreaterThanOrEqualTo(2);
        awaitMetrics("quill_active_streams", streams -> streams == 0);
        assertThat(quill.engine.metrics().snapshot().requestsSubmitted() - engineBefore)
                .as("only builds that completed reached the engine").isEqualTo(built);
        raw.close();
    }

    /**
     * The body in a conversation of its own: only a stored conversation is trimmed to the context
     * (a stateless request over it is refused), and trimming is what these tests load.
     */
    private static JsonObject stored(JsonObject body) {
        HttpResponse<Buffer> created = wire.post("/v1/conversations", new JsonObject());
        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
        return body.put("conversation_id", created.bodyAsJsonObject().getString("id"));
    }

    /** Scrapes /metrics until the sample satisfies the predicate (bounded by the test's timeout). */
    private static String awaitMetrics(String name, LongPredicate ok) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String exposition = "";
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " never reached the awaited value within 60 s; last: "
                        + Wire.value(exposition, name) + ", builds " + Wire.value(exposition, "quill_prompt_builds_total")
                        + ", overloaded " + Wire.value(exposition, "quill_prompt_builds_overloaded_total"));
            }
            exposition = wire.metrics();
            if (ok.test(Wire.value(exposition, name))) {
                return exposition;
            }
            Thread.onSpinWait();
        }
    }
}
