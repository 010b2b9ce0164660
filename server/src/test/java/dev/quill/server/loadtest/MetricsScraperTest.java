package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

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
}
