package dev.quill.server.http;

import dev.quill.server.testing.ServerFixture;
import io.vertx.ext.web.client.WebClient;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one unlabelled sample from a fixture's {@code /metrics}, over real HTTP. */
final class MetricsScrape implements AutoCloseable {

    private final ServerFixture quill;
    private final WebClient client;

    MetricsScrape(ServerFixture quill) {
        this.quill = quill;
        this.client = WebClient.create(quill.vertx);
    }

    String body() {
        return client.get(quill.port(), "127.0.0.1", "/metrics").send()
                .toCompletionStage().toCompletableFuture().join().bodyAsString(); // the test thread, not an event loop
    }

    /** The sample's value, empty when the line is absent. */
    OptionalLong value(String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(body());
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    long require(String name) {
        return value(name).orElseThrow(() -> new AssertionError(name + " is missing from /metrics"));
    }

    /** Polls (every 20 ms, up to 30 s) until the sample reaches {@code atLeast}; returns its last value. */
    long awaitAtLeast(String name, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        long v = require(name);
        while (v < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
            v = require(name);
        }
        return v;
    }

    @Override
    public void close() {
        client.close();
    }
}
