package dev.quill.server.openai;

import static dev.quill.server.openai.OpenAiHttp.exactChat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.engine.EngineMetrics;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Limits and the engine slot's life: a one-slot server with no waiting room, API keys and a small
 * body limit. A disconnected client must free its slot; a full engine answers 429.
 */
class OpenAiLimitsTest {

    static final String KEY = "sk-quill-test";
    /** Longer than any test needs to observe: the tiny model's context minus a short prompt. */
    static final int LONG = 240;

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAiHttp http;
    static HttpClient raw;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("engine.slots", "1", "engine.max_waiting", "0",
                "auth.api_keys", KEY, "server.max_body_bytes", "4096"));
        http = new OpenAiHttp(quill, KEY);
        raw = quill.vertx.createHttpClient();
    }

    @AfterAll
    static void stop() {
        raw.close();
        http.close();
        quill.close();
    }

    @AfterEach
    void slotIsFreeAgain() {
        awaitMetric("the engine slot to free", () -> snapshot().running() == 0 && snapshot().queueDepth() == 0);
    }

    @Test
    void aMissingApiKeyIs401() {
        try (OpenAiHttp keyless = new OpenAiHttp(quill)) {
            assertError(keyless.post("/v1/chat/completions", exactChat("Hi", 2)), 401, "invalid_api_key");
        }
    }

    @Test
    void aWrongApiKeyIs401() {
        try (OpenAiHttp wrongKey = new OpenAiHttp(quill, "sk-wrong")) {
            assertError(wrongKey.post("/v1/chat/completions", exactChat("Hi", 2)), 401, "invalid_api_key");
        }
    }

    @Test
    void aBodyOverTheLimitIs413() {
        HttpResponse<Buffer> r = http.post("/v1/chat/completions", exactChat("x".repeat(5000), 2));
        assertError(r, 413, "payload_too_large");
    }

    @Test
    void aFullEngineAnswers429WithRetryAfter() {
        HttpClientRequest running = openStream(longCompletion()).toCompletionStage().toCompletableFuture().join();
        try {
            HttpResponse<Buffer> r = http.post("/v1/completions", new JsonObject().put("prompt", "Hi").put("max_tokens", 2));

            assertError(r, 429, "overloaded");
            assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
            assertThat(r.getHeader("Retry-After")).isEqualTo("1");
        } finally {
            running.connection().close();
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsSlot() {
        EngineMetrics.Snapshot before = snapshot();
        HttpClientRequest stream = openStream(longCompletion()).toCompletionStage().toCompletableFuture().join();

        stream.connection().close(); // the stream has started: its first chunk is here

        awaitMetric("the cancelled request to finish",
                () -> snapshot().requestsFinished() == before.requestsFinished() + 1 && snapshot().running() == 0);
        assertThat(snapshot().generatedTokens() - before.generatedTokens()).isLessThan(LONG); // cut short
        HttpResponse<Buffer> next = http.post("/v1/chat/completions", exactChat("Hi", 3));
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.bodyAsJsonObject().getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(3);
    }

    @Test
    void aClientThatDisconnectsBeforeAWholeAnswerFreesItsSlot() {
        EngineMetrics.Snapshot before = snapshot();
        RequestOptions options = post("/v1/completions");
        HttpClientRequest req = raw.request(options).toCompletionStage().toCompletableFuture().join();
        req.end(longCompletion().put("stream", false).toBuffer());
        awaitMetric("the request to run", () -> snapshot().running() == 1);

        req.connection().close();

        awaitMetric("the cancelled request to finish",
                () -> snapshot().requestsFinished() == before.requestsFinished() + 1 && snapshot().running() == 0);
        assertThat(snapshot().generatedTokens() - before.generatedTokens()).isLessThan(LONG);
    }

    private static JsonObject longCompletion() {
        return new JsonObject().put("prompt", "Hi").put("temperature", 0).put("ignore_eos", true)
                .put("max_tokens", LONG).put("stream", true);
    }

    private static RequestOptions post(String path) {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(quill.port())
                .setURI(path).putHeader("Authorization", "Bearer " + KEY).putHeader("Content-Type", "application/json");
    }

    /** Sends a streaming request; completes once its first SSE bytes arrived (the generation is submitted). */
    private static Future<HttpClientRequest> openStream(JsonObject body) {
        Promise<HttpClientRequest> firstBytes = Promise.promise();
        raw.request(post("/v1/completions")).onSuccess(req -> req.send(body.toBuffer())
                .onSuccess(resp -> {
                    assertThat(resp.statusCode()).isEqualTo(200);
                    resp.handler(chunk -> firstBytes.tryComplete(req));
                    resp.exceptionHandler(e -> { });
                })
                .onFailure(firstBytes::tryFail)).onFailure(firstBytes::tryFail);
        return firstBytes.future();
    }

    private static void assertError(HttpResponse<Buffer> r, int status, String code) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo(code);
    }

    private static EngineMetrics.Snapshot snapshot() {
        return quill.engine.metrics().snapshot();
    }

    /** Polls a condition on the engine's metrics, bounded: no sleep stands in for synchronisation. */
    private static void awaitMetric(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }
}
