package dev.quill.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code quill_event_loop_blocked_total} counts Vert.x's blocked-thread warnings about event
 * loops. The server runs with a 1 s limit, checked every 100 ms (long enough that a busy CI machine does
 * not trip it by itself), and the test blocks threads on
 * purpose: the blocking is the behaviour under test, not a way to wait.
 */
class MetricsBlockedLoopTest {

    static final String BLOCKED = "quill_event_loop_blocked_total";

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static MetricsScrape metrics;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of(), new VertxOptions()
                .setMaxEventLoopExecuteTime(1000).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setMaxWorkerExecuteTime(1000).setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(100).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
        metrics = new MetricsScrape(quill);
    }

    @AfterAll
    static void stop() {
        metrics.close();
        quill.close();
    }

    @Test
    void aBlockedEventLoopIsCountedAndABusyWorkerIsNot() throws Exception {
        long before = metrics.require(BLOCKED);

        // A worker over its own limit is warned about too, but it is not an event loop.
        quill.vertx.executeBlocking(() -> {
            Thread.sleep(2500);
            return null;
        }).toCompletionStage().toCompletableFuture().join();
        assertThat(metrics.require(BLOCKED)).isEqualTo(before);

        quill.vertx.getOrCreateContext().runOnContext(v -> {
            try {
                Thread.sleep(2500); // an event loop held well past its limit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(metrics.awaitAtLeast(BLOCKED, before + 1)).isGreaterThan(before);
    }
}
