package dev.quill.server.hostile;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real HTTP calls for the hostile-client tests: posts, OpenAI error fields, and /metrics values. */
final class Wire implements AutoCloseable {

    private final ServerFixture quill;
    private final WebClient client;

    Wire(ServerFixture quill) {
        this.quill = quill;
        this.client = WebClient.create(quill.vertx);
    }

    HttpResponse<Buffer> post(String path, JsonObject body) {
        return post(path, body.toBuffer());
    }

    HttpResponse<Buffer> post(String path, Buffer body) {
        return client.post(quill.port(), "127.0.0.1", path).putHeader("Content-Type", "application/json")
                .sendBuffer(body).toCompletionStage().toCompletableFuture().join();
    }

    String metrics() {
        return client.get(quill.port(), "127.0.0.1", "/metrics").send().toCompletionStage().toCompletableFuture()
                .join().bodyAsString();
    }

    /** One unlabelled sample of the exposition, e.g. {@code quill_prompt_renders_total}. */
    long metric(String name) {
        return value(metrics(), name);
    }

    static long value(String exposition, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no metric " + name);
        }
        return (long) Double.parseDouble(m.group(1));
    }

    static JsonObject error(HttpResponse<Buffer> r) {
        return r.bodyAsJsonObject().getJsonObject("error");
    }

    static JsonObject user(String content) {
        return new JsonObject().put("role", "user").put("content", content);
    }

    /** A greedy chat that generates {@code tokens} tokens. */
    static JsonObject chat(JsonArray messages, int tokens) {
        return new JsonObject().put("messages", messages).put("temperature", 0).put("ignore_eos", true)
                .put("max_tokens", tokens);
    }

    /** {@code n} short user messages (what a stored conversation accepts in one turn). */
    static JsonArray manyMessages(int n) {
        JsonArray messages = new JsonArray();
        for (int i = n - 1; i >= 0; i--) {
            messages.add(new JsonObject().put("role", "user").put("content", "m" + i));
        }
        return messages;
    }

    @Override
    public void close() {
        client.close();
    }
}
