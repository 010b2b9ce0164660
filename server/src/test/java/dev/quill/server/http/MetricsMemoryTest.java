package dev.quill.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The memory gauges of /metrics on a real server: present, plausible, and flat across requests. */
class MetricsMemoryTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;
    static MetricsScrape metrics;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
        metrics = new MetricsScrape(quill);
    }

    @AfterAll
    static void stop() {
        metrics.close();
        quill.close();
    }

    @Test
    void residentMemoryIsThereOnLinuxAndHoldsTheHeap() {
        long heap = metrics.require("quill_jvm_heap_used_bytes");
        assertThat(heap).isPositive();
        if (!Files.isReadable(Path.of("/proc/self/status"))) {
            assertThat(metrics.value("quill_process_resident_memory_bytes")).isEmpty(); // not Linux: left out
            return;
        }
        long rss = metrics.require("quill_process_resident_memory_bytes");
        assertThat(rss).isGreaterThan(heap); // the heap, plus libtorch, the weights and the JVM itself
        Runtime rt = Runtime.getRuntime();
        assertThat(rss).isLessThan(rt.maxMemory() + 64L * 1024 * 1024 * 1024); // bytes, not kB or pages
    }

    @Test
    void heapIsReportedUsedCommittedAndAfterCollection() {
        System.gc(); // so that a collection has certainly happened and its result is there to report
        long used = metrics.require("quill_jvm_heap_used_bytes");
        long committed = metrics.require("quill_jvm_heap_committed_bytes");
        long afterGc = metrics.require("quill_jvm_heap_after_gc_bytes");
        assertThat(committed).isGreaterThanOrEqualTo(used).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(afterGc).isPositive().isLessThanOrEqualTo(committed);
    }

    @Test
    void liveArraysStayAtTheirCountAfterRequests() throws Exception {
        long before = metrics.require("quill_native_arrays_live");
        assertThat(before).isPositive().isEqualTo(quill.model.decoder().liveArrays()); // weights and cache
        long steps = metrics.require("quill_engine_steps_total");
        WebClient client = WebClient.create(quill.vertx);
        try {
            for (int i = 0; i < 12; i++) {
                JsonObject body = new JsonObject().put("model", "tiny-qwen2").put("max_tokens", 3).put("ignore_eos", true)
                        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi " + i)));
                int status = client.post(quill.port(), "127.0.0.1", "/v1/chat/completions").sendJsonObject(body)
                        .toCompletionStage().toCompletableFuture().join().statusCode();
                assertThat(status).isEqualTo(200);
            }
        } finally {
            client.close();
        }
        assertThat(metrics.require("quill_engine_steps_total")).isGreaterThanOrEqualTo(steps + 12 * 3);
        // Each pass closes its arrays before its request is answered, so a count now is exact.
        assertThat(quill.model.decoder().liveArrays()).isEqualTo(before);
        assertThat(metrics.require("quill_native_arrays_live")).isEqualTo(before);
    }
}
