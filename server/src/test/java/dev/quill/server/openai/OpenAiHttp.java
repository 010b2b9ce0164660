package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.ArrayList;
import java.util.List;

/** A real HTTP client for a {@link ServerFixture}, and a strict reader of OpenAI's SSE framing. */
final class OpenAiHttp implements AutoCloseable {

    private final ServerFixture quill;
    private final WebClient client;
    private final String apiKey;

    OpenAiHttp(ServerFixture quill, String apiKey) {
        this.quill = quill;
        this.client = WebClient.create(quill.vertx);
        this.apiKey = apiKey;
    }

    OpenAiHttp(ServerFixture quill) {
        this(quill, null);
    }

    HttpResponse<Buffer> post(String path, JsonObject body) {
        return post(path, body.toBuffer());
    }

    /** Sends the bytes as they are (malformed JSON included); blocks the test thread, not an event loop. */
    HttpResponse<Buffer> post(String path, Buffer body) {
        var req = client.post(quill.port(), "127.0.0.1", path).putHeader("Content-Type", "application/json");
        if (apiKey != null) {
            req.putHeader("Authorization", "Bearer " + apiKey);
        }
        return req.sendBuffer(body).toCompletionStage().toCompletableFuture().join();
    }

    /**
     * The data payloads of an SSE body, checking the framing on the way: every event is exactly
     * {@code data: <payload>\n\n} (keep-alive comments are skipped) and the last is {@code [DONE]}.
     */
    static List<String> events(String body) {
        assertThat(body).endsWith("data: [DONE]\n\n");
        List<String> data = new ArrayList<>();
        for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            if (block.startsWith(":")) {
                continue;
            }
            assertThat(block).startsWith("data: ").doesNotContain("\n");
            data.add(block.substring("data: ".length()));
        }
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(data.subList(0, data.size() - 1)).doesNotContain("[DONE]");
        return data;
    }

    /** The JSON events before {@code [DONE]}. */
    static List<JsonObject> chunks(String body) {
        List<String> data = events(body);
        return data.subList(0, data.size() - 1).stream().map(JsonObject::new).toList();
    }

    static JsonObject user(String content) {
        return new JsonObject().put("role", "user").put("content", content);
    }

    /** A greedy chat request that generates exactly {@code tokens} tokens. */
    static JsonObject exactChat(String content, int tokens) {
        return new JsonObject().put("model", "tiny-qwen2")
                .put("messages", new io.vertx.core.json.JsonArray().add(user(content)))
                .put("temperature", 0).put("ignore_eos", true).put("max_tokens", tokens);
    }

    @Override
    public void close() {
        client.close();
    }
}
