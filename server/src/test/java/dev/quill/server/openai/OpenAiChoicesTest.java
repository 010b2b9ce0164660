package dev.quill.server.openai;

import static dev.quill.server.openai.OpenAiHttp.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.decoder.KvCache;
import dev.quill.model.engine.EngineMetrics;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@code n} over real HTTP on the tiny model: with a seed the n answers repeat exactly across
 * requests and differ from each other at temperature 1; streamed, every chunk names its answer and
 * each answer's text equals the whole response's; usage sums the answers and counts the prompt
 * once; the prompt is prefilled as often as the prefix cache allows; a client that leaves cancels
 * all n.
 */
class OpenAiChoicesTest {
    static final String CHAT = "/v1/chat/completions";

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAiHttp http;
    static HttpClient raw;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
        http = new OpenAiHttp(quill);
        raw = quill.vertx.createHttpClient();
    }

    @AfterAll
    static void stop() {
        raw.close();
        http.close();
        quill.close();
    }

    private static JsonObject chat(int n, int tokens) {
        return new JsonObject().put("messages", new JsonArray().add(user("name three colours")))
                .put("n", n).put("temperature", 1.0).put("seed", 5).put("ignore_eos", true).put("max_tokens", tokens);
    }

    private static List<String> texts(HttpResponse<Buffer> r) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        JsonArray choices = r.bodyAsJsonObject().getJsonArray("choices");
        for (int i = 0; i < choices.size(); i++) {
            assertThat(choices.getJsonObject(i).getInteger("index")).isEqualTo(i);
        }
        return choices.stream().map(c -> ((JsonObject) c).getJsonObject("message").getString("content")).toList();
    }

    @Test
    void seededAnswersRepeatAcrossRequestsAndDifferFromEachOther() {
        HttpResponse<Buffer> first = http.post(CHAT, chat(3, 8));
        List<String> a = texts(first);
        List<String> b = texts(http.post(CHAT, chat(3, 8)));
        assertThat(a).hasSize(3).isEqualTo(b);
        assertThat(new HashSet<>(a)).as("three answers at temperature 1").hasSizeGreaterThan(1);
        JsonObject usage = first.bodyAsJsonObject().getJsonObject("usage");
        assertThat(usage.getInteger("completion_tokens")).isEqualTo(24);
        HttpResponse<Buffer> one = http.post(CHAT, chat(1, 8));
        assertThat(texts(one).get(0)).as("answer 0 keeps the request's seed").isEqualTo(a.get(0));
        assertThat(usage.getInteger("prompt_tokens")).as("the prompt counted once")
                .isEqualTo(one.bodyAsJsonObject().getJsonObject("usage").getInteger("prompt_tokens"));
    }

    @Test
    void streamedAnswersInterleaveWithTheirIndexAndEqualTheWholeOnes() {
        List<String> whole = texts(http.post(CHAT, chat(3, 8)));
        HttpResponse<Buffer> r = http.post(CHAT, chat(3, 8).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true)));
        StringBuilder[] text = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        int[] finishes = new int[3];
        JsonObject usage = null;
        for (JsonObject chunk : OpenAiHttp.chunks(r.bodyAsString())) {
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices.isEmpty()) {
                usage = chunk.getJsonObject("usage");
                continue;
            }
            JsonObject c = choices.getJsonObject(0);
            int i = c.getInteger("index");
            text[i].append(c.getJsonObject("delta").getString("content", ""));
            if (c.getString("finish_reason") != null) {
                finishes[i]++;
            }
        }
        for (int i = 0; i < 3; i++) {
            assertThat(text[i].toString()).as("answer %d", i).isEqualTo(whole.get(i));
            assertThat(finishes[i]).isEqualTo(1);
        }
        assertThat(usage).isNotNull();
        assertThat(usage.getInteger("completion_tokens")).isEqualTo(24);
    }

    @Test
    void thePromptIsPrefilledAsOftenAsThePrefixCacheAllows() {
        JsonObject body = new JsonObject().put("prompt", "a prompt long enough to count its prefill tokens, twice over")
                .put("n", 4).put("temperature", 1.0).put("seed", 2).put("max_tokens", 3).put("ignore_eos", true);
        long before = snapshot().promptTokensComputed();
        HttpResponse<Buffer> first = http.post("/v1/completions", body);
        assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
        int prompt = first.bodyAsJsonObject().getJsonObject("usage").getInteger("prompt_tokens");
        long fresh = snapshot().promptTokensComputed() - before;
        long again = snapshot().promptTokensComputed();
        assertThat(http.post("/v1/completions", body).statusCode()).isEqualTo(200);
        long repeated = snapshot().promptTokensComputed() - again;
        System.out.printf("n=4, prompt of %d tokens: prefilled %d tokens fresh, %d when repeated%n", prompt, fresh, repeated);
        // the paged cache shares full blocks only: answers admitted together each prefill the prompt
        // at worst; repeated, each answer recomputes at most the tail past the prompt's last full
        // block (a block is shared once whole; the last prompt token is always computed for its logits)
        assertThat(fresh).isBetween((long) prompt, 4L * prompt);
        int tail = prompt - KvCache.BLOCK_SIZE * ((prompt - 1) / KvCache.BLOCK_SIZE);
        assertThat(repeated).isLessThanOrEqualTo(4L * tail).isLessThan(fresh);
    }

    @Test
    void aClientThatLeavesCancelsEveryAnswer() {
        EngineMetrics.Snapshot before = snapshot();
        JsonObject body = chat(3, 200).put("stream", true);
        HttpClientRequest stream = openStream(body).toCompletionStage().toCompletableFuture().join();
        stream.connection().close();
        // a cancel that finds an answer still waiting for a slot ends it without counting it finished,
        // so wait for the engine to hold nothing of the three, then check they were cut short
        awaitMetric("the three cancelled answers to leave the engine", () -> {
            EngineMetrics.Snapshot s = snapshot();
            return s.requestsSubmitted() == before.requestsSubmitted() + 3 && s.running() == 0 && s.queueDepth() == 0;
        });
        assertThat(snapshot().generatedTokens() - before.generatedTokens()).as("3 answers of up to 200 tokens, cut short")
                .isLessThan(600);
    }

    private static Future<HttpClientRequest> openStream(JsonObject body) {
        Promise<HttpClientRequest> firstBytes = Promise.promise();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(quill.port()).setURI(CHAT).putHeader("Content-Type", "application/json");
        raw.request(options).onSuccess(req -> req.send(body.toBuffer())
                .onSuccess(resp -> {
                    resp.handler(chunk -> firstBytes.tryComplete(req));
                    resp.exceptionHandler(e -> { });
                })
                .onFailure(firstBytes::tryFail)).onFailure(firstBytes::tryFail);
        return firstBytes.future();
    }

    private static EngineMetrics.Snapshot snapshot() {
        return quill.engine.metrics().snapshot();
    }

    /** Polls a condition on the engine's metrics, bounded: no sleep stands in for synchronisation. */
    private static void awaitMetric(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }
}
