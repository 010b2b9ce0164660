package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.grammar.SchemaCheck;
import dev.quill.model.grammar.TestSchemas;
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

/**
 * {@code response_format} over real HTTP on a random model at temperature 1: every answer, streamed
 * or not, parses and validates against its schema (an independent validator judges), and a schema
 * outside the supported subset is a 400 that names the keyword.
 */
class OpenAiStructuredOutputTest {
    static final String CHAT = "/v1/chat/completions";
    static final String COMPLETIONS = "/v1/completions";

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

    static JsonObject jsonSchema(String schema) {
        return new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject()
                .put("name", "answer").put("strict", true).put("schema", new JsonObject(schema)));
    }

    static JsonObject chat(JsonObject responseFormat, long seed, boolean stream) {
        return new JsonObject().put("model", "tiny-qwen2")
                .put("messages", new JsonArray().add(OpenAiHttp.user("Answer in JSON, please.")))
                .put("temperature", 1).put("seed", seed).put("max_tokens", 96)
                .put("response_format", responseFormat).put("stream", stream);
    }

    /** The answer's text and finish reason, from a whole response or from its SSE chunks. */
    static String[] answer(HttpResponse<Buffer> r, boolean stream) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        if (!stream) {
            JsonObject choice = r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
            String text = choice.containsKey("message") ? choice.getJsonObject("message").getString("content")
                    : choice.getString("text");
            return new String[] {text, choice.getString("finish_reason")};
        }
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonObject chunk : OpenAiHttp.chunks(r.bodyAsString())) {
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices == null || choices.isEmpty()) {
                continue;
            }
            JsonObject c = choices.getJsonObject(0);
            JsonObject delta = c.getJsonObject("delta");
            String piece = delta != null ? delta.getString("content") : c.getString("text");
            if (piece != null) {
                text.append(piece);
            }
            if (c.getString("finish_reason") != null) {
                finish = c.getString("finish_reason");
            }
        }
        return new String[] {text.toString(), finish};
    }

    @Test
    void chatAnswersParseAndValidateStreamedAndNot() {
        for (String schema : List.of(TestSchemas.NESTED, TestSchemas.REFS, TestSchemas.NULLABLE)) {
            SchemaCheck check = new SchemaCheck(schema);
            for (int seed = 0; seed < 4; seed++) {
                boolean stream = seed % 2 == 1;
                String[] a = answer(http.post(CHAT, chat(jsonSchema(schema), seed, stream)), stream);
                assertThat(check.problems(a[0])).as(a[0]).isEmpty();
                assertThat(a[1]).isEqualTo("stop");
            }
        }
    }

    @Test
    void jsonObjectOnChatAndResponseFormatOnCompletions() {
        SchemaCheck anyObject = new SchemaCheck("{\"type\": \"object\"}");
        for (int seed = 0; seed < 2; seed++) {
            boolean stream = seed % 2 == 0;
            String[] a = answer(http.post(CHAT, chat(new JsonObject().put("type", "json_object"), seed, stream)), stream);
            assertThat(anyObject.problems(a[0])).as(a[0]).isEmpty();
            JsonObject completion = new JsonObject().put("prompt", "The record:").put("temperature", 1).put("seed", seed)
                    .put("max_tokens", 100).put("stream", stream).put("response_format", jsonSchema(TestSchemas.RECURSIVE));
            String[] c = answer(http.post(COMPLETIONS, completion), stream);
            assertThat(new SchemaCheck(TestSchemas.RECURSIVE).problems(c[0])).as(c[0]).isEmpty();
        }
    }

    @Test
    void textIsFreeText() {
        HttpResponse<Buffer> r = http.post(CHAT, chat(new JsonObject().put("type", "text"), 1, false));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void unsupportedFormatsAre400NamingWhatIsWrong() {
        JsonObject pattern = jsonSchema("{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"string\", "
                + "\"pattern\": \"^[a-z]+$\"}}}");
        assertError(http.post(CHAT, chat(pattern, 1, false)), "response_format.json_schema.schema",
                "'pattern' at /properties/id");
        assertError(http.post(CHAT, chat(new JsonObject().put("type", "bogus"), 1, false)), "response_format.type",
                "'bogus'");
        assertError(http.post(CHAT, chat(new JsonObject().put("type", "json_schema"), 1, false)),
                "response_format.json_schema", "must be an object");
        JsonObject completion = new JsonObject().put("prompt", "x").put("max_tokens", 5)
                .put("response_format", jsonSchema("{\"oneOf\": [{\"type\": \"string\"}]}"));
        assertError(http.post(COMPLETIONS, completion), "response_format.json_schema.schema", "'oneOf'");
    }

    private static void assertError(HttpResponse<Buffer> r, String param, String inMessage) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
        JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
        assertThat(error.getString("param")).isEqualTo(param);
        assertThat(error.getString("message")).contains(inMessage);
    }
}
