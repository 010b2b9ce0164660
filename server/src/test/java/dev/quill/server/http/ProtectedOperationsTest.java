package dev.quill.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.store.RedisConversationStore;
import dev.quill.server.testing.RedisServer;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** /metrics and /health/ready behind the API key when configured; ready never tells the store's error. */
class ProtectedOperationsTest {

    @TempDir
    Path dir;

    private static HttpResponse<Buffer> get(WebClient client, ServerFixture q, String path, String key) {
        var req = client.get(q.port(), "127.0.0.1", path);
        if (key != null) {
            req.putHeader("Authorization", "Bearer " + key);
        }
        return req.send().toCompletionStage().toCompletableFuture().join(); // the test thread, not an event loop
    }

    @Test
    void metricsAndReadinessNeedTheKeyWhenSoConfigured() throws Exception {
        try (ServerFixture q = ServerFixture.start(dir, Map.of("auth.api_keys", "k1",
                "http.protect_metrics", "true", "http.protect_ready", "true"))) {
            WebClient client = WebClient.create(q.vertx);
            for (String path : new String[]{"/metrics", "/health/ready"}) {
                HttpResponse<Buffer> refused = get(client, q, path, null);
                assertThat(refused.statusCode()).as(path).isEqualTo(401);
                assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
                assertThat(get(client, q, path, "wrong").statusCode()).as(path).isEqualTo(401);
                assertThat(get(client, q, path, "k1").statusCode()).as(path).isEqualTo(200);
            }
            assertThat(get(client, q, "/health/live", null).statusCode()).isEqualTo(200); // liveness stays open
            client.close();
        }
        // by default they stay open, as load balancers and scrapers expect
        try (ServerFixture q = ServerFixture.start(dir, Map.of("auth.api_keys", "k1"))) {
            WebClient client = WebClient.create(q.vertx);
            assertThat(get(client, q, "/metrics", null).statusCode()).isEqualTo(200);
            assertThat(get(client, q, "/health/ready", null).statusCode()).isEqualTo(200);
            client.close();
        }
    }

    @Test
    void readinessSaysTheStoreIsUnavailableWithoutItsErrorText() throws Exception {
        try (RedisServer redis = RedisServer.ephemeral();
             ServerFixture q = ServerFixture.start(dir, Map.of("store.redis", redis.uri(), "store.timeout_ms", "500"),
                     c -> RedisConversationStore.connect(c.redisUri(), c.idleExpiry(), c.keyPrefix(), c.storeTimeout()))) {
            WebClient client = WebClient.create(q.vertx);
            assertThat(get(client, q, "/health/ready", null).statusCode()).isEqualTo(200);
            redis.stop();
            HttpResponse<Buffer> down = get(client, q, "/health/ready", null);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.bodyAsJsonObject().getString("store")).isEqualTo("unavailable");
            assertThat(down.bodyAsString()).doesNotContain(String.valueOf(redis.port())).doesNotContainIgnoringCase("redis")
                    .doesNotContain("127.0.0.1");
            client.close();
        }
    }
}
