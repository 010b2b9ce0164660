package dev.quill.server.openai;

import static dev.quill.server.openai.OpenAiHttp.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quill.model.grammar.TokenVocabulary;
import dev.quill.model.template.ChatMessage;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModel;
import dev.quill.model.testing.TinyModelFixture;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * logprobs over real HTTP, chat and completions, streamed and whole, against log-softmax of the
 * plain-Java reference decoder's logits (with the request's temperature): the chosen token and its
 * alternatives at every step, and the echoed prompt's tokens at every position.
 */
class OpenAiLogprobsTest {
    static final String CHAT = "/v1/chat/completions";
    static final String COMPLETIONS = "/v1/completions";
    private static final double TOLERANCE = 2e-3;

    @TempDir
    static Path dir;
    static TinyModel tiny;
    static ServerFixture quill;
    static OpenAiHttp http;
    static Map<String, Integer> idsByBytes;

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyModelFixture.write(dir.resolve("tiny-qwen2"), Family.QWEN2, Dtype.F32, false, 7);
        quill = ServerFixture.start(dir, Map.of());
        http = new OpenAiHttp(quill);
        idsByBytes = new HashMap<>();
        byte[][] vocab = TokenVocabulary.read(quill.model.tokenizer().file());
        for (int id = 0; id < quill.model.decoder().config().vocabSize(); id++) {
            String literal = quill.model.tokenizer().addedTokenLiteral(id);
            byte[] b = id < vocab.length && vocab[id] != null ? vocab[id]
                    : literal == null ? null : literal.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (b != null) {
                idsByBytes.merge(Arrays.toString(toInts(b)), id, (a, c) -> -1); // -1: ambiguous, fails a lookup
            }
        }
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    private static JsonObject chat(String content, int tokens) {
        return new JsonObject().put("messages", new JsonArray().add(user(content))).put("ignore_eos", true)
                .put("max_tokens", tokens).put("temperature", 0.8).put("seed", 11);
    }

    private static int[] chatPrompt(String content) {
        return quill.model.encodeChat(List.of(new ChatMessage("user", content)), null);
    }

    private static int[] completionPrompt(String prompt) {
        JsonArray ids = http.post("/tokenize", new JsonObject().put("prompt", prompt)).bodyAsJsonObject().getJsonArray("tokens");
        return ids.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    @Test
    void chatLogprobsMatchTheReferenceWholeAndStreamed() {
        String content = "what does a kv cache hold";
        HttpResponse<Buffer> whole = http.post(CHAT, chat(content, 7).put("logprobs", true).put("top_logprobs", 4));
        assertThat(whole.statusCode()).as(whole.bodyAsString()).isEqualTo(200);
        JsonObject choice = whole.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
        JsonArray entries = choice.getJsonObject("logprobs").getJsonArray("content");
        assertThat(entries).hasSize(7);
        int[] prompt = chatPrompt(content);
        int[] answer = new int[entries.size()];
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < entries.size(); j++) {
            JsonObject e = entries.getJsonObject(j);
            answer[j] = id(e);
            text.append(e.getString("token"));
            double[] lp = referenceLogSoftmax(concat(prompt, Arrays.copyOf(answer, j)), 1 / 0.8);
            assertThat(e.getDouble("logprob")).as("token %d", j).isCloseTo(lp[answer[j]], within(TOLERANCE));
            checkTop(e.getJsonArray("top_logprobs"), lp, 4, "token " + j);
        }
        assertThat(choice.getJsonObject("message").getString("content")).isEqualTo(text.toString());

        HttpResponse<Buffer> streamed = http.post(CHAT, chat(content, 7).put("logprobs", true).put("top_logprobs", 4)
                .put("stream", true));
        JsonArray fromChunks = new JsonArray();
        for (JsonObject chunk : OpenAiHttp.chunks(streamed.bodyAsString())) {
            JsonObject c = chunk.getJsonArray("choices").getJsonObject(0);
            if (c.getValue("logprobs") instanceof JsonObject lp) {
                lp.getJsonArray("content").forEach(fromChunks::add);
            }
        }
        // same seed, same tokens: the same entries, chunk by chunk (values up to the float rounding of a cached prefix)
        assertThat(fromChunks).hasSize(entries.size());
        for (int j = 0; j < entries.size(); j++) {
            assertThat(fromChunks.getJsonObject(j).getJsonArray("bytes")).isEqualTo(entries.getJsonObject(j).getJsonArray("bytes"));
            assertThat(fromChunks.getJsonObject(j).getDouble("logprob"))
                    .isCloseTo(entries.getJsonObject(j).getDouble("logprob"), within(TOLERANCE));
        }
    }

    @Test
    void completionsLogprobsWithEchoScoreThePromptAndTheAnswerWholeAndStreamed() {
        String prompt = "attention weighs every token";
        JsonObject body = new JsonObject().put("prompt", prompt).put("max_tokens", 5).put("ignore_eos", true)
                .put("temperature", 1.0).put("seed", 4).put("logprobs", 3).put("echo", true)
                .put("return_tokens_as_token_ids", true); // vLLM's extension: ids, as some tokens are half a character
        HttpResponse<Buffer> whole = http.post(COMPLETIONS, body);
        assertThat(whole.statusCode()).as(whole.bodyAsString()).isEqualTo(200);
        JsonObject choice = whole.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("text")).startsWith(prompt);
        JsonObject lps = choice.getJsonObject("logprobs");
        int[] ids = completionPrompt(prompt);
        JsonArray tokens = lps.getJsonArray("tokens");
        assertThat(tokens).hasSize(ids.length + 5);
        assertThat(lps.getJsonArray("token_logprobs").getValue(0)).isNull();
        assertThat(lps.getJsonArray("top_logprobs").getJsonObject(0)).isEmpty();
        int[] all = new int[tokens.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = idOfName(tokens.getString(i));
        }
        assertThat(Arrays.copyOf(all, ids.length)).containsExactly(ids);
        float[][] logits = tiny.reference().logits(Arrays.copyOf(all, all.length - 1));
        int offset = 0;
        for (int i = 1; i < all.length; i++) {
            double[] lp = logSoftmax(logits[i - 1], 1.0); // temperature 1: prompt and answer alike
            assertThat(lps.getJsonArray("token_logprobs").getDouble(i)).as("token %d", i).isCloseTo(lp[all[i]], within(TOLERANCE));
            JsonObject top = lps.getJsonArray("top_logprobs").getJsonObject(i);
            assertThat(top.size()).as("token %d: 3 alternatives, and the token itself if not among them", i).isBetween(3, 4);
            top.forEach(e -> assertThat(((Number) e.getValue()).doubleValue()).isCloseTo(lp[idOfName(e.getKey())], within(TOLERANCE)));
        }
        TokenTexts texts = new TokenTexts(quill.model.tokenizer());
        for (int i = 0; i < all.length; i++) {
            assertThat(lps.getJsonArray("text_offset").getInteger(i)).isEqualTo(offset);
            offset += texts.text(all[i]).length();
        }

        HttpResponse<Buffer> streamed = http.post(COMPLETIONS, body.copy().put("stream", true));
        StringBuilder text = new StringBuilder();
        JsonArray streamedTokens = new JsonArray();
        JsonArray streamedLogprobs = new JsonArray();
        for (JsonObject chunk : OpenAiHttp.chunks(streamed.bodyAsString())) {
            JsonObject c = chunk.getJsonArray("choices").getJsonObject(0);
            text.append(c.getString("text"));
            if (c.getValue("logprobs") instanceof JsonObject lp) {
                lp.getJsonArray("tokens").forEach(streamedTokens::add);
                lp.getJsonArray("token_logprobs").forEach(streamedLogprobs::add);
            }
        }
        assertThat(text.toString()).isEqualTo(choice.getString("text"));
        assertThat(streamedTokens).isEqualTo(tokens);
        assertThat(streamedLogprobs.getValue(0)).isNull();
        for (int i = 1; i < all.length; i++) {
            assertThat(streamedLogprobs.getDouble(i)).isCloseTo(lps.getJsonArray("token_logprobs").getDouble(i), within(TOLERANCE));
        }
    }

    @Test
    void echoWithoutLogprobsPutsThePromptInFront() {
        JsonObject body = new JsonObject().put("prompt", "hello there").put("max_tokens", 3).put("temperature", 0)
                .put("echo", true);
        JsonObject choice = http.post(COMPLETIONS, body).bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
        JsonObject plain = http.post(COMPLETIONS, body.copy().put("echo", false)).bodyAsJsonObject()
                .getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("text")).isEqualTo("hello there" + plain.getString("text"));
        assertThat(choice.getValue("logprobs")).isNull();
    }

    @Test
    void outOfRangeFieldsAre400NamingThem() {
        assertError(http.post(CHAT, chat("hi", 2).put("logprobs", true).put("top_logprobs", 21)), "top_logprobs");
        assertError(http.post(CHAT, chat("hi", 2).put("top_logprobs", 2)), "top_logprobs");
        assertError(http.post(CHAT, chat("hi", 2).put("logprobs", "yes")), "logprobs");
        assertError(http.post(COMPLETIONS, new JsonObject().put("prompt", "hi").put("logprobs", 6)), "logprobs");
        assertError(http.post(COMPLETIONS, new JsonObject().put("prompt", "hi").put("logprobs", true)), "logprobs");
        assertError(http.post(CHAT, chat("hi", 2).put("n", 9)), "n");
        assertError(http.post(CHAT, chat("hi", 2).put("n", 0)), "n");
        HttpResponse<Buffer> off = http.post(CHAT, chat("hi", 2).put("logprobs", false));
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(off.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getValue("logprobs")).isNull();
    }

    static void assertError(HttpResponse<Buffer> r, String param) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("param")).isEqualTo(param);
    }

    /** The reported alternatives are the reference's {@code top} best, in order, with its values. */
    private static void checkTop(JsonArray top, double[] lp, int k, String what) {
        assertThat(top).as(what).hasSize(k);
        double[] sorted = lp.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < k; i++) {
            JsonObject e = top.getJsonObject(i);
            assertThat(e.getDouble("logprob")).as("%s alternative %d", what, i).isCloseTo(lp[id(e)], within(TOLERANCE));
            assertThat(e.getDouble("logprob")).as("%s rank %d", what, i).isCloseTo(sorted[sorted.length - 1 - i], within(TOLERANCE));
        }
    }

    private static int id(JsonObject entry) {
        JsonArray bytes = entry.getJsonArray("bytes");
        Integer id = idsByBytes.get(bytes.encode().replace(",", ", "));
        assertThat(id).as("token bytes %s", bytes).isNotNull().isNotNegative();
        return id;
    }

    private static int idOfName(String name) {
        assertThat(name).startsWith("token_id:");
        return Integer.parseInt(name.substring("token_id:".length()));
    }

    private static double[] referenceLogSoftmax(int[] context, double inverseTemperature) {
        return logSoftmax(tiny.reference().nextTokenLogits(context), inverseTemperature);
    }

    static double[] logSoftmax(float[] logits, double inverseTemperature) {
        double[] x = new double[logits.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            x[i] = logits[i] * inverseTemperature;
            max = Math.max(max, x[i]);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        for (int i = 0; i < x.length; i++) {
            x[i] -= logZ;
        }
        return x;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }
}
