package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code loadtest --protocol sse} through the real load balancers of deploy/ (haproxy.cfg and
 * nginx.conf, addresses rewritten to loopback, one replica: an in-process Quill on a tiny model),
 * as a deployment runs it: no request may fail on the proxies' handling of kept-alive connections.
 * nginx also runs with short keep-alive limits, so that it closes idle connections and ends others
 * after two requests while the load tester is using them.
 */
class LoadTestBehindProxiesTest {

    static final Path DEPLOY = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy");
    static final Duration READY = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    @Test
    void throughHaproxy() throws Exception {
        int port = freePort();
        String cfg = Files.readString(DEPLOY.resolve("haproxy.cfg"))
                .replace("bind :8080", "bind 127.0.0.1:" + port)
                // without its health checks, whose 1 s limit a test JVM beside others' builds may miss:
                // the data path is what is under test here; bench/cluster.sh runs the checks too
                .replaceAll("server quill-1 quill-1:8080 check", "server quill-1 127.0.0.1:" + quill.port())
                .replaceAll("(?m)^\\s*server quill-[2-9] .*$", "");
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        assertThat(cfg).contains("127.0.0.1:" + quill.port()).doesNotContain("quill-2:8080");
        try (Proxy proxy = new Proxy(List.of("haproxy", "-db", "-f", file.toString()), port)) {
            assertRunsClean(port, "--sessions", "3");
        }
    }

    @Test
    void throughNginxAlsoWhenItClosesIdleAndWornConnections() throws Exception {
        for (String limits : List.of("", "keepalive_timeout 100ms;\n    keepalive_requests 2;\n    ")) {
            int port = freePort();
            Path prefix = Files.createTempDirectory(dir, "nginx");
            Files.createDirectories(prefix.resolve("logs"));
            String conf = "pid " + prefix.resolve("nginx.pid") + ";\nerror_log " + prefix.resolve("error.log") + ";\n"
                    + Files.readString(DEPLOY.resolve("nginx.conf"))
                    .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
                    .replace("server quill-1:8080", "server 127.0.0.1:" + quill.port())
                    .replaceAll("(?m)^\\s*server quill-[2-9]:8080 .*$", "")
                    .replace("    server {", "    access_log off;\n    " + limits + "server {");
            Path file = prefix.resolve("nginx.conf");
            Files.writeString(file, conf);
            try (Proxy proxy = new Proxy(List.of("nginx", "-p", prefix.toString(), "-c", file.toString(), "-g", "daemon off;"),
                    port)) {
                // open loop at 8 requests/s: connections wait between turns, past nginx's 100 ms
                assertRunsClean(port, "--sessions", "3", "--rate", "8");
            }
        }
    }

    private static void assertRunsClean(int port, String... extra) throws IOException {
        Path out = Files.createTempFile(dir, "result", ".json");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>(List.of("--url", "http://127.0.0.1:" + port, "--protocol", "sse",
                "--turns", "3", "--requests", "12", "--prompt-tokens", "4..8", "--max-tokens", "3..5",
                "--duration", "60", "--grace", "10", "--no-metrics", "--out", out.toString()));
        argv.addAll(List.of(extra));
        int code = LoadTestCommand.run(argv.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        JsonObject r = ReportFiles.json(out);
        assertThat(r.getJsonObject("errors_by_code").getMap()).isEmpty();
        assertThat(r.getInteger("failed")).isZero();
        assertThat(r.getInteger("completed")).isEqualTo(12);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A load balancer process, ready once {@code /health/ready} answers 200 through it; killed on close. */
    private static final class Proxy implements AutoCloseable {
        final Process process;
        final Path log;

        Proxy(List<String> command, int port) throws IOException {
            log = Files.createTempFile(dir, "proxy", ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + READY.toNanos();
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(command.get(0) + " exited: " + Files.readString(log));
                }
                try {
                    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health/ready")
                            .toURL().openConnection();
                    c.setConnectTimeout(500);
                    c.setReadTimeout(2000);
                    if (c.getResponseCode() == 200) {
                        return;
                    }
                    last = "HTTP " + c.getResponseCode();
                } catch (IOException e) {
                    last = e.toString();
                }
                pauseBeforeRetry();
            }
            close();
            throw new IllegalStateException(command.get(0) + " not ready after " + READY + " (last: " + last + "): "
                    + Files.readString(log));
        }

        /** The gap between readiness polls; the loop itself is bounded by {@link #READY}. */
        private static void pauseBeforeRetry() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
