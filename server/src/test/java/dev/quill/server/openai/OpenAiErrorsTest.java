package dev.quill.server.openai;

import static dev.quill.server.openai.OpenAiHttp.exactChat;
import static dev.quill.server.openai.OpenAiHttp.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Every bad input gets OpenAI's error object with the right status, code and param. */
class OpenAiErrorsTest {

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

    /** A valid chat request changed by {@code edit}. */
    static Buffer chat(UnaryOperator<JsonObject> edit) {
        return edit.apply(exactChat("Hello", 2)).toBuffer();
    }

    static Buffer completion(UnaryOperator<JsonObject> edit) {
        return edit.apply(new JsonObject().put("prompt", "Hello").put("max_tokens", 2)).toBuffer();
    }

    static JsonObject withMessage(JsonObject request, JsonObject message) {
        return request.put("messages", new JsonArray().add(message));
    }

    static Stream<Arguments> badRequests() {
        String longText = "hello ".repeat(400); // beyond the tiny model's 256-token context
        JsonObject imagePart = new JsonObject().put("type", "image_url")
                .put("image_url", new JsonObject().put("url", "https://example.com/cat.png"));
        return Stream.of(
                bad("malformed JSON", CHAT, Buffer.buffer("{\"messages\": ["), 400, "invalid_json", null),
                bad("empty body", CHAT, Buffer.buffer(), 400, "invalid_json", null),
                bad("a JSON array body", CHAT, Buffer.buffer("[1, 2]"), 400, "invalid_json", null),
                bad("messages missing", CHAT, chat(r -> { r.remove("messages"); return r; }), 400, "invalid_request", "messages"),
                bad("messages empty", CHAT, chat(r -> r.put("messages", new JsonArray())), 400, "invalid_request", "messages"),
                bad("messages not an array", CHAT, chat(r -> r.put("messages", "Hello")), 400, "invalid_request", "messages"),
                bad("a message without role", CHAT, chat(r -> withMessage(r, new JsonObject().put("content", "Hi"))),
                        400, "invalid_request", "messages"),
                bad("a message without content", CHAT, chat(r -> withMessage(r, new JsonObject().put("role", "user"))),
                        400, "invalid_request", "messages"),
                bad("a message that is a string", CHAT, chat(r -> r.put("messages", new JsonArray().add("Hi"))),
                        400, "invalid_request", "messages"),
                bad("an image content part", CHAT, chat(r -> withMessage(r, new JsonObject().put("role", "user")
                        .put("content", new JsonArray().add(imagePart)))), 400, "invalid_request", "messages"),
                bad("model not served", CHAT, chat(r -> r.put("model", "gpt-4o")), 404, "model_not_found", "model"),
                bad("model not a string", CHAT, chat(r -> r.put("model", 4)), 400, "invalid_request", "model"),
                bad("model not served, streaming", CHAT, chat(r -> r.put("model", "gpt-4o").put("stream", true)),
                        404, "model_not_found", "model"),
                bad("stream a string", CHAT, chat(r -> r.put("stream", "yes")), 400, "invalid_request", "stream"),
                bad("stream_options not an object", CHAT, chat(r -> r.put("stream", true).put("stream_options", true)),
                        400, "invalid_request", "stream_options"),
                bad("include_usage a string", CHAT, chat(r -> r.put("stream", true)
                        .put("stream_options", new JsonObject().put("include_usage", "yes"))),
                        400, "invalid_request", "stream_options.include_usage"),
                bad("temperature a string", CHAT, chat(r -> r.put("temperature", "hot")), 400, "invalid_request", "temperature"),
                bad("temperature below 0", CHAT, chat(r -> r.put("temperature", -0.5)), 400, "invalid_request", "temperature"),
                bad("temperature above 2", CHAT, chat(r -> r.put("temperature", 2.5)), 400, "invalid_request", "temperature"),
                bad("top_p 0", CHAT, chat(r -> r.put("top_p", 0)), 400, "invalid_request", "top_p"),
                bad("top_p above 1", CHAT, chat(r -> r.put("top_p", 1.5)), 400, "invalid_request", "top_p"),
                bad("top_k a fraction", CHAT, chat(r -> r.put("top_k", 2.5)), 400, "invalid_request", "top_k"),
                bad("top_k below -1", CHAT, chat(r -> r.put("top_k", -2)), 400, "invalid_request", "top_k"),
                bad("min_p above 1", CHAT, chat(r -> r.put("min_p", 1.5)), 400, "invalid_request", "min_p"),
                bad("repetition_penalty 0", CHAT, chat(r -> r.put("repetition_penalty", 0)),
                        400, "invalid_request", "repetition_penalty"),
                bad("presence_penalty above 2", CHAT, chat(r -> r.put("presence_penalty", 3)),
                        400, "invalid_request", "presence_penalty"),
                bad("frequency_penalty a boolean", CHAT, chat(r -> r.put("frequency_penalty", true)),
                        400, "invalid_request", "frequency_penalty"),
                bad("seed a string", CHAT, chat(r -> r.put("seed", "42")), 400, "invalid_request", "seed"),
                bad("stop a number", CHAT, chat(r -> r.put("stop", 5)), 400, "invalid_request", "stop"),
                bad("stop with a number inside", CHAT, chat(r -> r.put("stop", new JsonArray().add("a").add(1))),
                        400, "invalid_request", "stop"),
                bad("stop an empty string", CHAT, chat(r -> r.put("stop", "")), 400, "invalid_request", "stop"),
                bad("max_tokens a fraction", CHAT, chat(r -> r.put("max_tokens", 1.5)), 400, "invalid_request", "max_tokens"),
                bad("max_tokens 0", CHAT, chat(r -> r.put("max_tokens", 0)), 400, "invalid_request", "max_tokens"),
                bad("max_completion_tokens 0", CHAT, chat(r -> r.put("max_completion_tokens", 0)),
                        400, "invalid_request", "max_completion_tokens"),
                bad("max_completion_tokens a string", CHAT, chat(r -> r.put("max_completion_tokens", "8")),
                        400, "invalid_request", "max_completion_tokens"),
                bad("n 9", CHAT, chat(r -> r.put("n", 9)), 400, "invalid_request", "n"),
                bad("ignore_eos a string", CHAT, chat(r -> r.put("ignore_eos", "true")), 400, "invalid_request", "ignore_eos"),
                bad("conversation_id a number", CHAT, chat(r -> r.put("conversation_id", 7)),
                        400, "invalid_request", "conversation_id"),
                bad("conversation_id blank", CHAT, chat(r -> r.put("conversation_id", " ")),
                        400, "invalid_request", "conversation_id"),
                bad("prompt beyond the context", CHAT, chat(r -> withMessage(r, user(longText))),
                        400, "context_length_exceeded", "messages"),
                bad("max_tokens beyond the context", CHAT, chat(r -> r.put("max_tokens", 1000)),
                        400, "context_length_exceeded", "messages"),
                bad("completion prompt missing", COMPLETIONS, completion(r -> { r.remove("prompt"); return r; }),
                        400, "invalid_request", "prompt"),
                bad("completion prompt as token ids", COMPLETIONS, completion(r -> r.put("prompt", new JsonArray().add(1).add(2))),
                        400, "invalid_request", "prompt"),
                bad("completion batch of prompts", COMPLETIONS, completion(r -> r.put("prompt", new JsonArray().add("a").add("b"))),
                        400, "invalid_request", "prompt"),
                bad("completion prompt beyond the context", COMPLETIONS, completion(r -> r.put("prompt", longText)),
                        400, "context_length_exceeded", "prompt"),
                bad("completion max_tokens beyond the context", COMPLETIONS, completion(r -> r.put("max_tokens", 1000)),
                        400, "context_length_exceeded", "prompt"),
                bad("completion n 0", COMPLETIONS, completion(r -> r.put("n", 0)), 400, "invalid_request", "n"),
                bad("completion model not served", COMPLETIONS, completion(r -> r.put("model", "davinci-002")),
                        404, "model_not_found", "model"));
    }

    static Arguments bad(String what, String path, Buffer body, int status, String code, String param) {
        return Arguments.of(what, path, body, status, code, param);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputIsAnOpenAiError(String what, String path, Buffer body, int status, String code, String param) {
        HttpResponse<Buffer> r = http.post(path, body);

        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
        JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
        assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.getString("code")).isEqualTo(code);
        assertThat(error.getString("param")).isEqualTo(param);
        assertThat(error.getString("message")).isNotBlank();
    }

    @Test
    void unknownFieldsAreIgnored() {
        JsonObject request = exactChat("Hello", 2).put("user", "someone").put("logit_bias", new JsonObject())
                .put("parallel_tool_calls", false).put("quill_future_option", new JsonArray().add(1));
        HttpResponse<Buffer> r = http.post(CHAT, request);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(2);
    }

    @Test
    void nullOptionalFieldsAndAMissingModelAreFine() {
        JsonObject request = new JsonObject().put("messages", new JsonArray().add(user("Hello")))
                .put("temperature", (Object) null).put("stop", (Object) null).put("n", 1).put("top_k", -1)
                .put("max_completion_tokens", 2).put("seed", 7);
        HttpResponse<Buffer> r = http.post(CHAT, request);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getString("model")).isEqualTo("tiny-qwen2");
    }
}
