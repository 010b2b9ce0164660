package dev.quill.server.hostile;

import static dev.quill.server.hostile.RawHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a hostile page in a victim's browser can make the browser send, over real HTTP: a
 * DNS-rebinding page (its own name in Host and Origin, this server's address underneath), a
 * cross-site form or text/plain POST, framing; and CORS, off unless configured.
 */
class BrowserHardeningTest {

    @TempDir
    static Path dir;
    static ServerFixture keyless;
    static ServerFixture keyed;

    private static final String CHAT = "{\"model\":\"tiny-qwen2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}";

    @BeforeAll
    static void start() throws Exception {
        keyless = ServerFixture.start(dir, Map.of("http.allowed_hosts", "quill.internal"));
        keyed = ServerFixture.start(dir, Map.of("auth.api_keys", "k1", "http.cors_origins", "https://app.example.com"));
    }

    @AfterAll
    static void stop() {
        keyless.close();
        keyed.close();
    }

    private static RawHttp.Response get(ServerFixture q, String path, String host, String... headers) throws Exception {
        return RawHttp.exchange(q.port(), RawHttp.get(path, host, headers));
    }

    @Test
    void aKeylessServerAnswersOnlyItsOwnNames() throws Exception {
        int port = keyless.port();
        RawHttp.Response rebound = get(keyless, "/v1/models", "rebind.attacker.example:" + port);
        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.errorCode()).isEqualTo("host_not_allowed");
        assertThat(get(keyless, "/", "rebind.attacker.example:" + port).status()).isEqualTo(403);
        assertThat(get(keyless, "/v1/models", "127.0.0.1:" + port).status()).isEqualTo(200);
        assertThat(get(keyless, "/v1/models", "localhost:" + port).status()).isEqualTo(200);
        assertThat(get(keyless, "/v1/models", "[::1]:" + port).status()).isEqualTo(200);
        assertThat(get(keyless, "/v1/models", "Quill.Internal").status()).isEqualTo(200); // http.allowed_hosts
        // with a key, the key is the guard: any name is answered
        assertThat(get(keyed, "/v1/models", "rebind.attacker.example", "Authorization: Bearer k1").status()).isEqualTo(200);
    }

    private static String upgrade(String origin) {
        return "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nOrigin: " + origin;
    }

    @Test
    void theWebSocketOriginCheckTrustsNeitherHostNorAnyScheme() throws Exception {
        int port = keyed.port();
        // the rebinding page: Host and Origin agree, both the attacker's; it used to be let in
        RawHttp.Response rebound = get(keyed, "/ws?token=k1", "evil.example:" + port, upgrade("http://evil.example:" + port));
        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.errorCode()).isEqualTo("origin_not_allowed");
        assertThat(get(keyed, "/ws?token=k1", "127.0.0.1:" + port, upgrade("https://127.0.0.1:" + port)).status())
                .isEqualTo(403); // Quill serves no https page
        assertThat(get(keyed, "/ws?token=k1", "127.0.0.1:" + port, upgrade("http://127.0.0.1:" + (port + 1))).status())
                .isEqualTo(403); // another port is another origin
        assertThat(get(keyed, "/ws?token=k1", "127.0.0.1:" + port, upgrade("http://127.0.0.1:" + port)).status()).isEqualTo(101);
        assertThat(get(keyed, "/ws?token=k1", "localhost:" + port, upgrade("http://localhost:" + port)).status()).isEqualTo(101);
    }

    @Test
    void theApiTakesOnlyJsonAndNoForeignOrigin() throws Exception {
        String host = "127.0.0.1:" + keyless.port();
        RawHttp.Response plain = RawHttp.exchange(keyless.port(), post("/v1/chat/completions", "HTTP/1.1", host, "text/plain", CHAT));
        assertThat(plain.status()).isEqualTo(415);
        assertThat(plain.errorCode()).isEqualTo("unsupported_media_type");
        assertThat(RawHttp.exchange(keyless.port(), post("/v1/chat/completions", "HTTP/1.1", host,
                "application/x-www-form-urlencoded", CHAT)).status()).isEqualTo(415);
        assertThat(RawHttp.exchange(keyless.port(), post("/v1/chat/completions", "HTTP/1.1", host,
                "Application/JSON; charset=utf-8", CHAT)).status()).isEqualTo(200);
        String foreign = post("/v1/chat/completions", "HTTP/1.1", host, "application/json", CHAT)
                .replace("Content-Type:", "Origin: https://evil.example\r\nContent-Type:");
        RawHttp.Response crossSite = RawHttp.exchange(keyless.port(), foreign);
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.errorCode()).isEqualTo("origin_not_allowed");
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        String host = "127.0.0.1:" + keyless.port();
        for (String path : new String[]{"/", "/v1/models", "/health/live", "/no-such-page"}) {
            RawHttp.Response r = get(keyless, path, host);
            assertThat(r.headers()).as(path)
                    .containsEntry("x-content-type-options", "nosniff")
                    .containsEntry("x-frame-options", "DENY")
                    .containsEntry("referrer-policy", "no-referrer");
            assertThat(r.headers().get("content-security-policy")).as(path)
                    .contains("frame-ancestors 'none'").contains("script-src 'self'").contains("connect-src 'self'");
        }
    }

    private static String preflight(int port, String origin) {
        return "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + origin
                + "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type\r\n\r\n";
    }

    @Test
    void corsIsOffUnlessConfiguredAndThenOnlyForItsOrigins() throws Exception {
        RawHttp.Response off = RawHttp.exchange(keyless.port(), preflight(keyless.port(), "https://app.example.com"));
        assertThat(off.status()).isEqualTo(403);
        assertThat(off.headers()).doesNotContainKey("access-control-allow-origin");

        RawHttp.Response on = RawHttp.exchange(keyed.port(), preflight(keyed.port(), "https://app.example.com"));
        assertThat(on.status()).isEqualTo(204);
        assertThat(on.headers()).containsEntry("access-control-allow-origin", "https://app.example.com")
                .containsEntry("access-control-allow-headers", "authorization, content-type");
        assertThat(on.headers().get("access-control-allow-methods")).contains("POST");
        assertThat(RawHttp.exchange(keyed.port(), preflight(keyed.port(), "https://other.example")).status()).isEqualTo(403);

        String request = post("/v1/chat/completions", "HTTP/1.1", "127.0.0.1:" + keyed.port(), "application/json", CHAT)
                .replace("Content-Type:", "Origin: https://app.example.com\r\nAuthorization: Bearer k1\r\nContent-Type:");
        RawHttp.Response actual = RawHttp.exchange(keyed.port(), request);
        assertThat(actual.status()).isEqualTo(200);
        assertThat(actual.headers()).containsEntry("access-control-allow-origin", "https://app.example.com");
        // an error is readable by the page too
        RawHttp.Response unauthorized = RawHttp.exchange(keyed.port(), request.replace("Bearer k1", "Bearer wrong"));
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.headers()).containsEntry("access-control-allow-origin", "https://app.example.com");
    }
}
