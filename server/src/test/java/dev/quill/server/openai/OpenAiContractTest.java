package dev.quill.server.openai;

import static dev.quill.server.openai.OpenAiHttp.exactChat;
import static dev.quill.server.openai.OpenAiHttp.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
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
import java.util.Map;

/**
 * The API keeps its word: GET /v1/models/{id}, X-Request-Id on every response, fields OpenAI
 * defines and Quill does not implement refused by name, and a stateless request too long for the
 * context refused instead of trimmed, while a stored conversation is trimmed and says how much.
 */
class OpenAiContractTest {

    static final String CHAT = "/v1/chat/completions";

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAiHttp http;
    static WebClient client;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
        http = new OpenAiHttp(quill);
        client = WebClient.create(quill.vertx);
    }

    @AfterAll
    static void stop() {
        client.close();
        http.close();
        quill.close();
    }

    private static HttpResponse<Buffer> get(String path, String requestId) {
        var req = client.get(quill.port(), "127.0.0.1", path);
        if (requestId != null) {
            req.putHeader("X-Request-Id", requestId);
        }
        return req.send().toCompletionStage().toCompletableFuture().join();
    }

    private static HttpResponse<Buffer> post(String path, JsonObject body, String requestId) {
        return client.post(quill.port(), "127.0.0.1", path).putHeader("Content-Type", "application/json")
                .putHeader("X-Request-Id", requestId).sendBuffer(body.toBuffer())
                .toCompletionStage().toCompletableFuture().join();
    }

    private static JsonObject error(HttpResponse<Buffer> r) {
        return r.bodyAsJsonObject().getJsonObject("error");
    }

    @Test
    void oneModelByIdWithItsContextAndSamplingDefaultsAndOpenAisErrorForAnotherId() {
        HttpResponse<Buffer> r = get("/v1/models/tiny-qwen2", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject model = r.bodyAsJsonObject();
        assertThat(model.getString("id")).isEqualTo("tiny-qwen2");
        assertThat(model.getString("object")).isEqualTo("model");
        assertThat(model.getInteger("max_model_len")).isEqualTo(quill.engine.maxLength());
        assertThat(model.getJsonObject("sampling_defaults").getDouble("temperature")).isEqualTo(1.0); // no sampling in its generation_config
        assertThat(get("/v1/models", null).bodyAsJsonObject().getJsonArray("data").getJsonObject(0)).isEqualTo(model);

        for (String other : new String[] {"/v1/models/gpt-4o", "/v1/models/Qwen/Qwen2-0.5B"}) {
            HttpResponse<Buffer> missing = get(other, null);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(error(missing).getString("code")).isEqualTo("model_not_found");
            assertThat(error(missing).getString("type")).isEqualTo("invalid_request_error");
            assertThat(error(missing).getString("param")).isEqualTo("model");
            assertThat(error(missing).getString("message")).contains(other.substring("/v1/models/".length()));
        }
    }

    @Test
    void everyResponseCarriesARequestIdEchoingASaneOneAndReplacingTheRest() {
        String sane = "3f2c9a1e-7b4d-4c1a-9f0e-123456789abc";
        assertThat(get("/v1/models", sane).getHeader("X-Request-Id")).isEqualTo(sane);
        assertThat(get("/no/such/route", "req.42").getHeader("X-Request-Id")).isEqualTo("req.42"); // a 404
        assertThat(get("/", "page:1").getHeader("X-Request-Id")).isEqualTo("page:1"); // the chat page
        HttpResponse<Buffer> refused = post(CHAT, new JsonObject().put("messages", new JsonArray()), "bad-body-1");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.getHeader("X-Request-Id")).isEqualTo("bad-body-1");
        HttpResponse<Buffer> streamed = post(CHAT, exactChat("hi", 2).put("stream", true), "sse-1");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.getHeader("X-Request-Id")).isEqualTo("sse-1");

        for (String insane : new String[] {"x".repeat(129), "a b", "line\"quote", "ünïcode"}) {
            String given = get("/v1/models", insane).getHeader("X-Request-Id");
            assertThat(given).isNotEqualTo(insane).matches("[0-9a-f-]{36}");
        }
        String first = get("/v1/models", null).getHeader("X-Request-Id");
        String second = get("/v1/models", null).getHeader("X-Request-Id");
        assertThat(first).matches("[0-9a-f-]{36}").isNotEqualTo(second);
    }

    @Test
    void responseFormatTypesAreNamedAndAJsonSchemaWithoutItsSchemaIsRefused() {
        HttpResponse<Buffer> bogus = http.post(CHAT, exactChat("hi", 2)
                .put("response_format", new JsonObject().put("type", "bogus")));
        assertThat(bogus.statusCode()).isEqualTo(400);
        assertThat(error(bogus).getString("message")).contains("'bogus'");
        assertThat(error(bogus).getString("param")).isEqualTo("response_format.type");

        HttpResponse<Buffer> noSchema = http.post(CHAT, exactChat("hi", 2)
                .put("response_format", new JsonObject().put("type", "json_schema")));
        assertThat(noSchema.statusCode()).isEqualTo(400);
        assertThat(error(noSchema).getString("param")).isEqualTo("response_format.json_schema");
        assertThat(http.post(CHAT, exactChat("hi", 2).put("response_format", new JsonObject().put("type", "text")))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void unimplementedFieldsAreRefusedByNameAndTheirNeutralValuesAccepted() {
        Map<String, Object> refused = Map.of(
                "function_call", "auto",
                "audio", new JsonObject().put("voice", "alloy"),
                "modalities", new JsonArray().add("text").add("audio"));
        refused.forEach((field, value) -> {
            HttpResponse<Buffer> r = http.post(CHAT, exactChat("hi", 2).put(field, value));
            assertThat(r.statusCode()).as(field).isEqualTo(400);
            assertThat(error(r).getString("param")).as(field).isEqualTo(field);
            assertThat(error(r).getString("code")).as(field).isEqualTo("unsupported_parameter");
        });
        HttpResponse<Buffer> tooMany = http.post(CHAT, exactChat("hi", 2).put("top_logprobs", 21));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(error(tooMany).getString("code")).isEqualTo("invalid_request");

        HttpResponse<Buffer> neutral = http.post(CHAT, exactChat("hi", 2).put("logprobs", false).put("top_logprobs", 0)
                .put("tools", new JsonArray()).put("tool_choice", "none").put("user", "u-1").put("store", false)
                .put("metadata", new JsonObject().put("k", "v")).put("service_tier", "auto")
                .put("parallel_tool_calls", true).put("modalities", new JsonArray().add("text")));
        assertThat(neutral.statusCode()).isEqualTo(200);

        JsonObject completion = new JsonObject().put("prompt", "hi").put("max_tokens", 2);
        for (Map.Entry<String, Object> e : Map.<String, Object>of("best_of", 3, "suffix", "end").entrySet()) {
            HttpResponse<Buffer> r = http.post("/v1/completions", completion.copy().put(e.getKey(), e.getValue()));
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(error(r).getString("param")).as(e.getKey()).isEqualTo(e.getKey());
        }
        assertThat(http.post("/v1/completions", completion.copy().put("echo", false).put("logprobs", 0).put("best_of", 1))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aStatelessRequestOverTheContextIsRefusedWhileAStoredConversationIsTrimmedAndSaysHowMuch() {
        String words = "the quick brown fox jumps over the lazy dog ".repeat(5);
        JsonArray messages = new JsonArray();
        for (int i = 0; i < 10; i++) { // ~50 tokens each: about twice the 256-token context
            messages.add(user(i + " " + words)).add(new JsonObject().put("role", "assistant").put("content", "ok " + i));
        }
        messages.add(user("the last question"));
        JsonObject body = new JsonObject().put("messages", messages).put("temperature", 0).put("max_tokens", 4);

        HttpResponse<Buffer> stateless = http.post(CHAT, body);
        assertThat(stateless.statusCode()).isEqualTo(400);
        assertThat(error(stateless).getString("code")).isEqualTo("context_length_exceeded");
        assertThat(error(stateless).getString("param")).isEqualTo("messages");
        assertThat(error(stateless).getString("message")).contains("conversation_id");
        assertThat(stateless.getHeader("Quill-Omitted-Messages")).isNull();

        // the same words as a stored conversation, one turn at a time: its oldest turns are left out
        String conversation = http.post("/v1/conversations", new JsonObject()).bodyAsJsonObject().getString("id");
        int omitted = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<Buffer> stored = http.post(CHAT, new JsonObject().put("conversation_id", conversation)
                    .put("messages", new JsonArray().add(user(i + " " + words))).put("temperature", 0).put("max_tokens", 4));
            assertThat(stored.statusCode()).as(stored.bodyAsString()).isEqualTo(200);
            assertThat(stored.bodyAsJsonObject().getJsonObject("usage").getInteger("prompt_tokens") + 4)
                    .isLessThanOrEqualTo(quill.engine.maxLength());
            int now = Integer.parseInt(stored.getHeader("Quill-Omitted-Messages"));
            if (i == 0) {
                assertThat(now).isZero();
            }
            assertThat(now).isGreaterThanOrEqualTo(omitted); // the history only grows
            omitted = now;
        }
        assertThat(omitted).isBetween(1, 18);

        HttpResponse<Buffer> streamed = http.post(CHAT, new JsonObject().put("conversation_id", conversation)
                .put("messages", new JsonArray().add(user("and one more"))).put("stream", true).put("max_tokens", 2));
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(Integer.parseInt(streamed.getHeader("Quill-Omitted-Messages"))).isGreaterThanOrEqualTo(omitted);

        HttpResponse<Buffer> fits = http.post(CHAT, exactChat("short", 2));
        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(fits.getHeader("Quill-Omitted-Messages")).isNull();
    }
}
