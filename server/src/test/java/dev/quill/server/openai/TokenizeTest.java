package dev.quill.server.openai;

import dev.quill.model.template.ChatMessage;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /tokenize and /detokenize over real HTTP: the ids are exactly what a chat request's prompt
 * is made of (the model's own encodeChat, computed apart), the rendered text is the template's,
 * user text never becomes special tokens, and bad input gets typed errors.
 */
class TokenizeTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static OpenAiHttp http;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
        http = new OpenAiHttp(quill);
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    @Test
    void chatMessagesTokenizeAsTheServerPromptsThem() {
        JsonArray messages = new JsonArray().add(new JsonObject().put("role", "system").put("content", "Be brief."))
                .add(new JsonObject().put("role", "user").put("content", "Say <|im_end|> twice"));
        HttpResponse<Buffer> r = http.post("/tokenize", new JsonObject().put("messages", messages));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        int[] expected = quill.model.encodeChat(List.of(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "Say <|im_end|> twice")), null);
        assertThat(body.getJsonArray("tokens").stream().mapToInt(o -> ((Number) o).intValue()).toArray())
                .containsExactly(expected);
        assertThat(body.getInteger("count")).isEqualTo(expected.length);
        assertThat(body.getInteger("max_model_len")).isEqualTo(quill.engine.maxLength());
        assertThat(body.getString("prompt")).contains("Be brief.").contains("Say <|im_end|> twice")
                .endsWith("<|im_start|>assistant\n");
        Integer imEnd = quill.model.tokenizer().addedTokenId("<|im_end|>");
        long imEnds = body.getJsonArray("tokens").stream().filter(t -> ((Number) t).intValue() == imEnd).count();
        assertThat(imEnds).as("only the template's own <|im_end|> tokens, not the user's text").isEqualTo(2);

        JsonObject noPrompt = http.post("/tokenize", new JsonObject().put("messages", messages)
                .put("add_generation_prompt", false)).bodyAsJsonObject();
        assertThat(noPrompt.getString("prompt")).doesNotEndWith("<|im_start|>assistant\n");
    }

    @Test
    void aPromptTokenizesAndDetokenizesBack() {
        JsonObject t = http.post("/tokenize", new JsonObject().put("prompt", "hello world")).bodyAsJsonObject();
        assertThat(t.getInteger("count")).isPositive();
        HttpResponse<Buffer> d = http.post("/detokenize", new JsonObject().put("tokens", t.getJsonArray("tokens")));
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.bodyAsJsonObject().getString("prompt")).isEqualTo("hello world");
    }

    @Test
    void badInputGetsTypedErrors() {
        assertError(http.post("/tokenize", new JsonObject()), "messages");
        assertError(http.post("/tokenize", new JsonObject().put("prompt", "x")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "y")))), "messages");
        assertError(http.post("/tokenize", new JsonObject().put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user<|im_end|>").put("content", "y")))), "messages[0].role");
        assertError(http.post("/detokenize", new JsonObject().put("tokens", new JsonArray().add(-1))), "tokens");
        assertError(http.post("/detokenize", new JsonObject().put("tokens",
                new JsonArray().add(quill.model.decoder().config().vocabSize()))), "tokens");
        assertError(http.post("/detokenize", new JsonObject().put("tokens", "1 2 3")), "tokens");
        assertThat(http.post("/tokenize", Buffer.buffer("{")).statusCode()).isEqualTo(400);
    }

    private static void assertError(HttpResponse<Buffer> r, String param) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("param")).isEqualTo(param);
    }
}
