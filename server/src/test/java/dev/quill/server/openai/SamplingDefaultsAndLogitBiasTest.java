package dev.quill.server.openai;

import static dev.quill.server.openai.OpenAiHttp.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The model's generation_config.json (here: {@code do_sample: false}, greedy, as the demo model's
 * says) is what a request gets for every field it leaves out, over HTTP chat and completions and
 * WebSocket params alike, and what GET /v1/models shows; logit_bias +100 forces a token and -100
 * forbids it, greedy and sampled, over HTTP and WebSocket, on the tiny real model.
 */
class SamplingDefaultsAndLogitBiasTest {

    static final String CHAT = "/v1/chat/completions";

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAiHttp http;

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("tiny-qwen2");
        TinyModelFixture.write(model, Family.QWEN2, Dtype.F32, false, 7);
        Path config = model.resolve("generation_config.json");
        Files.writeString(config, new JsonObject(Files.readString(config)).put("do_sample", false).put("top_k", 7).encode());
        quill = ServerFixture.start(dir, Map.of()); // finds the model written, with its greedy config
        http = new OpenAiHttp(quill);
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    private static JsonObject chat(String content, int tokens) {
        return new JsonObject().put("messages", new JsonArray().add(user(content)))
                .put("ignore_eos", true).put("max_tokens", tokens);
    }

    private static String text(HttpResponse<Buffer> r) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        JsonObject choice = r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
        return choice.containsKey("message") ? choice.getJsonObject("message").getString("content") : choice.getString("text");
    }

    /** One WebSocket chat's whole text. */
    private static String wsText(WsClient ws, String id, String content, JsonObject params) throws InterruptedException {
        JsonObject frame = new JsonObject().put("type", "chat").put("id", id).put("content", content);
        ws.send(params == null ? frame : frame.put("params", params));
        StringBuilder text = new StringBuilder();
        while (true) {
            JsonObject f = ws.next();
            if (!id.equals(f.getString("id"))) {
                continue;
            }
            switch (f.getString("type")) {
                case "delta" -> text.append(f.getString("text"));
                case "done" -> {
                    return text.toString();
                }
                case "error" -> throw new AssertionError("error frame: " + f);
                default -> { }
            }
        }
    }

    private static String decode(int id) {
        return quill.model.tokenizer().decode(new int[] {id});
    }

    /** An ordinary token that decodes to a plain word, so its text can be told apart. */
    private static int wordToken() {
        for (int id = 0; id < quill.model.decoder().config().vocabSize(); id++) {
            if (decode(id).matches("[a-z]{3,}")) {
                return id;
            }
        }
        throw new AssertionError("no word token in the tiny vocabulary");
    }

    @Test
    void theModelsDefaultsApplyOnEveryPathUnlessTheRequestSaysOtherwise() throws Exception {
        HttpResponse<Buffer> models = WebClient.create(quill.vertx).get(quill.port(), "127.0.0.1", "/v1/models/tiny-qwen2")
                .send().toCompletionStage().toCompletableFuture().join();
        JsonObject defaults = models.bodyAsJsonObject().getJsonObject("sampling_defaults");
        assertThat(defaults.getDouble("temperature")).isEqualTo(0.0);
        assertThat(defaults.getInteger("top_k")).isEqualTo(7);

        String greedy = text(http.post(CHAT, chat("tell me about attention", 12).put("temperature", 0)));
        for (long seed = 1; seed <= 3; seed++) { // no temperature: greedy whatever the seed
            assertThat(text(http.post(CHAT, chat("tell me about attention", 12).put("seed", seed)))).isEqualTo(greedy);
        }
        Set<String> sampled = new HashSet<>();
        for (long seed = 1; seed <= 4; seed++) { // the request's own temperature wins
            sampled.add(text(http.post(CHAT, chat("tell me about attention", 12).put("temperature", 1.0).put("seed", seed))));
        }
        assertThat(sampled).isNotEqualTo(Set.of(greedy));

        JsonObject completion = new JsonObject().put("prompt", "attention is").put("max_tokens", 12).put("ignore_eos", true);
        String greedyCompletion = text(http.post("/v1/completions", completion.copy().put("temperature", 0)));
        assertThat(text(http.post("/v1/completions", completion.copy().put("seed", 5)))).isEqualTo(greedyCompletion);
        assertThat(text(http.post("/v1/completions", completion.copy().put("seed", 6)))).isEqualTo(greedyCompletion);

        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            JsonObject params = new JsonObject().put("max_tokens", 12).put("ignore_eos", true);
            assertThat(wsText(ws, "w1", "tell me about attention", params.copy().put("seed", 1))).isEqualTo(greedy);
            assertThat(wsText(ws, "w2", "tell me about attention", params.copy().put("seed", 2))).isEqualTo(greedy);
            // no params at all: the model's defaults and the server's max_tokens, as an HTTP request without them
            String bare = text(http.post(CHAT, new JsonObject().put("messages", new JsonArray().add(user("hello there")))));
            assertThat(wsText(ws, "w3", "hello there", null)).isEqualTo(bare);
        }
    }

    @Test
    void plus100ForcesATokenOverHttpAndWebSocketGreedyAndSampled() throws Exception {
        int word = wordToken();
        JsonObject bias = new JsonObject().put(Integer.toString(word), 100);
        String forced = decode(word).repeat(6);
        assertThat(text(http.post(CHAT, chat("hello", 6).put("logit_bias", bias)))).isEqualTo(forced); // greedy by default
        assertThat(text(http.post(CHAT, chat("hello", 6).put("logit_bias", bias).put("temperature", 1.5).put("seed", 3))))
                .isEqualTo(forced);
        assertThat(text(http.post("/v1/completions", new JsonObject().put("prompt", "hello").put("max_tokens", 6)
                .put("ignore_eos", true).put("temperature", 1.0).put("logit_bias", bias)))).isEqualTo(forced);
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            JsonObject params = new JsonObject().put("max_tokens", 6).put("ignore_eos", true).put("logit_bias", bias);
            assertThat(wsText(ws, "g", "hello", params)).isEqualTo(forced);
            assertThat(wsText(ws, "s", "hello", params.copy().put("temperature", 1.0).put("top_p", 0.9))).isEqualTo(forced);
        }
    }

    @Test
    void minus100ForbidsATokenOverHttpAndWebSocket() throws Exception {
        String first = text(http.post(CHAT, chat("why scale by sqrt", 1)));
        int favourite = -1;
        for (int id = 0; id < quill.model.decoder().config().vocabSize() && favourite < 0; id++) {
            if (decode(id).equals(first)) {
                favourite = id;
            }
        }
        assertThat(favourite).as("the greedy first token '" + first + "'").isNotNegative();
        JsonObject ban = new JsonObject().put(Integer.toString(favourite), -100);
        assertThat(text(http.post(CHAT, chat("why scale by sqrt", 1).put("logit_bias", ban)))).isNotEqualTo(first);
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            JsonObject params = new JsonObject().put("max_tokens", 1).put("ignore_eos", true);
            assertThat(wsText(ws, "free", "why scale by sqrt", params)).isEqualTo(first);
            assertThat(wsText(ws, "banned", "why scale by sqrt", params.copy().put("logit_bias", ban))).isNotEqualTo(first);
        }

        // every token but one forbidden, sampled hot: only that one can come
        int vocab = quill.model.decoder().config().vocabSize();
        if (vocab <= 301) {
            int word = wordToken();
            JsonObject all = new JsonObject();
            for (int id = 0; id < vocab; id++) {
                if (id != word) {
                    all.put(Integer.toString(id), -100);
                }
            }
            assertThat(text(http.post(CHAT, chat("hello", 5).put("logit_bias", all).put("temperature", 2).put("seed", 1))))
                    .isEqualTo(decode(word).repeat(5));
        }
    }

    @Test
    void idsOutsideTheVocabularyAndBiasesOutOfRangeAreRefusedByNameOnBothProtocols() throws Exception {
        int vocab = quill.model.decoder().config().vocabSize();
        for (JsonObject bad : new JsonObject[] {
                new JsonObject().put(Integer.toString(vocab), 1), new JsonObject().put("1", 101),
                new JsonObject().put("one", 1), new JsonObject().put("1", "high")}) {
            HttpResponse<Buffer> r = http.post(CHAT, chat("hi", 2).put("logit_bias", bad));
            assertThat(r.statusCode()).as(bad.encode()).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("param")).startsWith("logit_bias");
        }
        HttpResponse<Buffer> outside = http.post(CHAT, chat("hi", 2).put("logit_bias",
                new JsonObject().put(Integer.toString(vocab), 1)));
        assertThat(outside.bodyAsJsonObject().getJsonObject("error").getString("message"))
                .contains("vocabulary of " + vocab);
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(new JsonObject().put("type", "chat").put("id", "b").put("content", "hi")
                    .put("params", new JsonObject().put("logit_bias", new JsonObject().put(Integer.toString(vocab), 1))));
            JsonObject error = ws.nextOf("error", "b");
            assertThat(error.getString("code")).isEqualTo("invalid_request");
            assertThat(error.getString("message")).contains("logit_bias");
        }
    }
}
