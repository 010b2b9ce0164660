package dev.quill.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;

/** API keys on HTTP (Bearer) and the WebSocket (?token=), and the WebSocket Origin allow-list. */
class AccessTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static WebClient client;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of("auth.api_keys", "k1, k2", "auth.allowed_origins", "https://chat.example.com"));
        client = WebClient.create(quill.vertx);
    }

    @AfterAll
    static void stop() {
        client.close();
        quill.close();
    }

    private int status(String bearer) {
        var req = client.get(quill.port(), "127.0.0.1", "/v1/models");
        if (bearer != null) {
            req.putHeader("Authorization", "Bearer " + bearer);
        }
        var r = req.send().toCompletionStage().toCompletableFuture().join();
        if (r.statusCode() == 401) {
            assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
        }
        return r.statusCode();
    }

    @Test
    void httpNeedsAKnownBearerKey() {
        assertThat(status(null)).isEqualTo(401);
        assertThat(status("wrong")).isEqualTo(401);
        assertThat(status("k2")).isEqualTo(200);
        // health stays open for load balancers
        assertThat(client.get(quill.port(), "127.0.0.1", "/health/live").send()
                .toCompletionStage().toCompletableFuture().join().statusCode()).isEqualTo(200);
    }

    private static int rejected(Runnable connect) {
        try {
            connect.run();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UpgradeRejectedException r) {
                return r.getStatus();
            }
            throw e;
        }
        throw new AssertionError("the upgrade was accepted");
    }

    @Test
    void theWebSocketNeedsATokenAndAnAllowedOrigin() {
        assertThat(rejected(() -> WsClient.connect(quill.vertx, quill.port(), "/ws", null))).isEqualTo(401);
        assertThat(rejected(() -> WsClient.connect(quill.vertx, quill.port(), "/ws?token=k1", "https://evil.example")))
                .isEqualTo(403);
        WsClient.connect(quill.vertx, quill.port(), "/ws?token=k1", "https://chat.example.com").close();
        WsClient.connect(quill.vertx, quill.port(), "/ws?token=k1", "http://127.0.0.1:" + quill.port()).close();
    }
}
