package dev.quill.server.hostile;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an operator sees of a fixture under attack, over real HTTP: /metrics samples and /health/live. */
final class Probe implements AutoCloseable {

    private final ServerFixture quill;
    private final WebClient client;

    Probe(ServerFixture quill) {
        this.quill = quill;
        this.client = WebClient.create(quill.vertx);
    }

    /** The value of an unlabelled sample of /metrics. */
    long metric(String name) {
        String body = get("/metrics").bodyAsString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (-?\\d+)$").matcher(body);
        if (!m.find()) {
            throw new AssertionError(name + " is missing from /metrics");
        }
        return Long.parseLong(m.group(1));
    }

    int liveStatus() {
        return get("/health/live").statusCode();
    }

    /** Polls the sample (every 20 ms, up to 30 s) until it satisfies {@code until}; returns its last value. */
    long await(String name, LongPredicate until) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        long v = metric(name);
        while (!until.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            v = metric(name);
        }
        return v;
    }

    private HttpResponse<Buffer> get(String path) {
        return client.get(quill.port(), "127.0.0.1", path).send()
                .toCompletionStage().toCompletableFuture().join(); // the test thread, not an event loop
    }

    @Override
    public void close() {
        client.close();
    }
}
