package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

/** Prometheus text as Quill and vLLM write it. */
class MetricsScraperTest {

    @Test
    void readsPlainAndLabelledSamplesSummingLabelSets() {
        String text = """
                # HELP quill_queue_depth Requests waiting for a KV cache slot.
                # TYPE quill_queue_depth gauge
                quill_queue_depth 3
                quill_kv_tokens_in_use 512
                quill_time_to_first_token_seconds_sum 0.25
                vllm:num_requests_running{engine="0",model_name="m"} 4.0
                vllm:num_requests_running{engine="1",model_name="a } b"} 2.0 1700000000000
                broken_line
                """;
        Map<String, Double> m = MetricsScraper.parse(text);
        assertThat(m).containsEntry("quill_queue_depth", 3.0)
                .containsEntry("quill_kv_tokens_in_use", 512.0)
                .containsEntry("quill_time_to_first_token_seconds_sum", 0.25)
                .containsEntry("vllm:num_requests_running", 6.0)
                .doesNotContainKey("broken_line");
    }

    @Test
    void memorySeriesAreKeptFromQuillAndLeftOutForOtherServers() {
        MetricsScraper quill = new MetricsScraper(null, null, null, () -> 0); // fed by hand, never started
        quill.record(0, MetricsScraper.parse("""
                quill_queue_depth 0
                quill_jvm_heap_used_bytes 1000
                quill_jvm_heap_committed_bytes 1500
                quill_process_resident_memory_bytes 5000
                quill_native_arrays_live 42
                quill_event_loop_blocked_total 0
                """));
        quill.record(1_000_000_000L, MetricsScraper.parse("quill_queue_depth 1\nquill_jvm_heap_used_bytes 1100\n"));
        JsonObject q = quill.toJson();
        assertThat(q.getJsonArray("heap_used_bytes").getList()).containsExactly(1000.0, 1100.0);
        assertThat(q.getJsonArray("resident_memory_bytes").getList()).containsExactly(5000.0, null); // a gap, not a zero
        assertThat(q.getJsonArray("native_arrays_live").getList()).containsExactly(42.0, null);
        assertThat(q.getJsonArray("resident_outside_heap_bytes").getList()).containsExactly(3500.0, null); // RSS - committed
        assertThat(q.containsKey("heap_after_gc_bytes")).isFalse(); // never reported: no series of nulls
        assertThat(q.getJsonArray("event_loop_blocked_total").getList()).containsExactly(0.0, null);
        assertThat(quill.latest("resident_memory_bytes")).isNull();
        assertThat(quill.latest("heap_used_bytes")).isEqualTo(1100.0);

        MetricsScraper vllm = new MetricsScraper(null, null, null, () -> 0);
        vllm.record(0, MetricsScraper.parse("vllm:num_requests_waiting 2\nprocess_resident_memory_bytes 9000\n"));
        JsonObject v = vllm.toJson();
        assertThat(v.getString("source")).isEqualTo("vllm");
        assertThat(v.getJsonArray("queue_depth").getList()).containsExactly(2.0);
        for (MetricsScraper.Gauge g : MetricsScraper.MEMORY) {
            assertThat(v.containsKey(g.key())).as(g.key()).isFalse(); // Quill's names only
        }
        assertThat(v.containsKey("resident_outside_heap_bytes")).isFalse();
    }
}
