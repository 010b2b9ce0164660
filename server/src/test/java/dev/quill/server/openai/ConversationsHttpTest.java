package dev.quill.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
 * The conversation operations over HTTP, with keys k1 and k2: list and search a client's list,
 * rename, export, delete; bad input is 400 with OpenAI's error body; another key's conversation
 * is 404 not_found, as a missing one.
 */
class ConversationsHttpTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static WebClient http;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("auth.api_keys", "k1,k2"));
        http = WebClient.create(quill.vertx);
    }

    @AfterAll
    static void stop() {
        http.close();
        quill.close();
    }

    private static HttpResponse<Buffer> call(HttpMethod method, String path, String key, JsonObject body) {
        var req = http.request(method, quill.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + key);
        var sent = body == null ? req.send() : req.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer());
        return sent.toCompletionStage().toCompletableFuture().join();
    }

    private static String error(HttpResponse<Buffer> r) {
        return r.statusCode() + " " + r.bodyAsJsonObject().getJsonObject("error").getString("code");
    }

    /** A conversation of k1's, made by a WebSocket chat that names client "page". */
    private static String chat(String content) throws InterruptedException {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws?token=k1", null)) {
            ws.send(new JsonObject().put("type", "chat").put("id", "c").put("client", "page").put("content", content)
                    .put("params", new JsonObject().put("temperature", 0).put("max_tokens", 2)));
            String conversation = ws.nextOf("start", "c").getString("conversation");
            ws.nextOf("done", "c");
            return conversation;
        }
    }

    @Test
    void listSearchRenameExportAndDeleteAreTheOwnersAlone() throws Exception {
        String conv = chat("Tell me about okapis");
        String path = "/v1/conversations/" + conv;

        assertThat(call(HttpMethod.GET, "/v1/conversations?client=page", "k1", null).bodyAsJsonObject()
                .getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo(conv);
        assertThat(call(HttpMethod.GET, "/v1/conversations?client=page", "k2", null).bodyAsJsonObject()
                .getJsonArray("data")).isEmpty();
        JsonObject found = call(HttpMethod.GET, "/v1/conversations?client=page&search=OKAPI", "k1", null).bodyAsJsonObject();
        assertThat(found.getJsonArray("data").getJsonObject(0).getString("snippet")).contains("okapis");

        String missing = "/v1/conversations/conv-" + java.util.UUID.randomUUID();
        for (String p : new String[] {path, missing}) {
            assertThat(error(call(HttpMethod.PATCH, p, "k2", new JsonObject().put("title", "mine")))).isEqualTo("404 not_found");
            assertThat(error(call(HttpMethod.GET, p + "/export?format=json", "k2", null))).isEqualTo("404 not_found");
            assertThat(error(call(HttpMethod.DELETE, p, "k2", null))).isEqualTo("404 not_found");
        }

        assertThat(error(call(HttpMethod.PATCH, path, "k1", new JsonObject().put("title", "t".repeat(101)))))
                .isEqualTo("400 invalid_request");
        assertThat(error(call(HttpMethod.GET, "/v1/conversations", "k1", null))).as("no client").isEqualTo("400 invalid_request");
        assertThat(error(call(HttpMethod.GET, "/v1/conversations?client=page&search=" + "q".repeat(201), "k1", null)))
                .isEqualTo("400 invalid_request");
        assertThat(error(call(HttpMethod.GET, path + "/export?format=pdf", "k1", null))).isEqualTo("400 invalid_request");

        assertThat(call(HttpMethod.PATCH, path, "k1", new JsonObject().put("title", "Okapis")).bodyAsJsonObject()
                .getString("title")).isEqualTo("Okapis");
        HttpResponse<Buffer> md = call(HttpMethod.GET, path + "/export?format=md", "k1", null);
        assertThat(md.getHeader("Content-Type")).startsWith("text/markdown");
        assertThat(md.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"" + conv + ".md\"");
        assertThat(md.bodyAsString()).startsWith("# Okapis\n").contains("## User\n\nTell me about okapis");
        assertThat(call(HttpMethod.GET, path + "/export?format=json", "k1", null).bodyAsJsonObject()
                .getJsonArray("messages")).hasSize(2);

        assertThat(call(HttpMethod.DELETE, path + "?client=page", "k1", null).bodyAsJsonObject().getBoolean("deleted")).isTrue();
        assertThat(error(call(HttpMethod.GET, path + "/export", "k1", null))).isEqualTo("404 not_found");
        assertThat(call(HttpMethod.GET, "/v1/conversations?client=page", "k1", null).bodyAsJsonObject()
                .getJsonArray("data")).isEmpty();
    }
}
