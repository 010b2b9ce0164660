package dev.quill.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** Health, model list, metrics and the error shape of unknown routes, over real HTTP. */
class OperationsTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static WebClient client;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
        client = WebClient.create(quill.vertx);
    }

    @AfterAll
    static void stop() {
        client.close();
        quill.close();
    }

    private HttpResponse<Buffer> get(String path) {
        return client.get(quill.port(), "127.0.0.1", path).send().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void healthEndpointsAnswer() {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<Buffer> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("ready");
    }

    @Test
    void modelsListsTheServedModelInOpenAisFormat() {
        JsonObject body = get("/v1/models").bodyAsJsonObject();
        assertThat(body.getString("object")).isEqualTo("list");
        JsonObject m = body.getJsonArray("data").getJsonObject(0);
        assertThat(m.getString("id")).isEqualTo("tiny-qwen2");
        assertThat(m.getString("object")).isEqualTo("model");
        assertThat(m.getString("owned_by")).isEqualTo("quill");
        assertThat(m.getLong("created")).isPositive();
    }

    @Test
    void metricsAreInPrometheusFormat() {
        get("/health/live");
        HttpResponse<Buffer> r = get("/metrics");
        assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
        assertThat(r.bodyAsString())
                .contains("# TYPE quill_queue_depth gauge")
                .contains("quill_kv_tokens_capacity " + (4L * quill.engine.maxLength()))
                .containsPattern("quill_http_requests_total\\{route=\"/health/live\",status=\"200\"} [1-9]");
    }

    @Test
    void unknownRoutesGetAnOpenAiErrorObject() {
        HttpResponse<Buffer> r = get("/v1/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
    }
}
