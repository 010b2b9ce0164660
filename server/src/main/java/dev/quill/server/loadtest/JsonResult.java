package dev.quill.server.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The result file. Top-level numbers carry vLLM's benchmark names (benchmarks/serve.py:
 * {@code completed}, {@code failed}, {@code duration}, {@code request_throughput},
 * {@code output_throughput}, {@code total_token_throughput}, {@code mean_ttft_ms},
 * {@code median_tpot_ms}, {@code p99_itl_ms}, {@code mean_e2el_ms}, ...) so a Quill run and a
 * vLLM run can be read by the same script; what vLLM has no name for is added beside them
 * ({@code incomplete}, {@code total_cached_tokens}, {@code errors_by_code}, {@code p50_*},
 * {@code p90_*}), with the per-request lists, histograms, the timeline and the server's gauges
 * for the report, and whether the server's memory grew ({@code server_memory}, {@link MemoryTrend}).
 */
final class JsonResult {

    static final int HISTOGRAM_BINS = 40;
    static final String[] LATENCIES = {"ttft", "tpot", "itl", "e2el"};

    private JsonResult() {
    }

    static JsonObject build(LoadTestOptions o, LoadTestRun.Outcome run) {
        List<RequestRecord> measured = run.records().stream().filter(r -> !r.warmup()).toList();
        long lastEnd = measured.stream().mapToLong(RequestRecord::endNanos).max().orElse(run.measureStartNanos());
        double duration = (lastEnd - run.measureStartNanos()) / 1e9;
        JsonObject j = build(config(o), run.model(), measured, run.records(), duration, run.measureStartNanos(), run.endNanos(),
                run.serverMetrics());
        if (run.history() != null) {
            j.mergeIn(run.history());
        }
        JsonObject affinity = ReplicaAffinity.of(run.records());
        if (affinity != null) {
            j.put("replicas", affinity);
        }
        return j
                .put("request_rate", o.schedule() instanceof ArrivalSchedule.Poisson p ? p.ratePerSecond() : null)
                .put("max_concurrency", o.schedule() instanceof ArrivalSchedule.Closed c ? c.concurrency() : null)
                .put("stop_reason", run.stopReason())
                .put("dropped_arrivals", run.droppedArrivals())
                .put("connection_retries", run.connectionRetries());
    }

    /**
     * @param measured the requests the numbers are of
     * @param all every request, warm-up included (the timeline)
     */
    static JsonObject build(JsonObject config, String model, List<RequestRecord> measured, List<RequestRecord> all,
                            double durationSeconds, long measureStartNanos, long endNanos, JsonObject serverMetrics) {
        Summary s = Summary.of(measured, durationSeconds);
        JsonObject j = new JsonObject()
                .put("tool", "quill loadtest")
                .put("date", Instant.now().toString())
                .put("config", config)
                .put("model", model)
                .put("duration", s.durationSeconds())
                .put("completed", s.completed())
                .put("failed", s.failed())
                .put("incomplete", s.incomplete())
                .put("warmup_requests", all.size() - measured.size())
                .put("total_input_tokens", s.totalInputTokens())
                .put("total_output_tokens", s.totalOutputTokens())
                .put("total_cached_tokens", s.totalCachedTokens())
                .put("request_throughput", s.requestThroughput())
                .put("output_throughput", s.outputThroughput())
                .put("total_token_throughput", s.totalTokenThroughput())
                .put("streamed_output_throughput",
                        streamedTokens(all, measureStartNanos, measureStartNanos + (long) (durationSeconds * 1e9))
                                / (durationSeconds > 0 ? durationSeconds : Double.POSITIVE_INFINITY))
                .put("max_output_tokens_per_s", s.maxOutputTokensPerS())
                .put("max_concurrent_requests", s.maxConcurrentRequests())
                .put("errors_by_code", new JsonObject(new java.util.LinkedHashMap<>(s.errors())));
        latency(j, "ttft", s.ttftMs());
        latency(j, "tpot", s.tpotMs());
        latency(j, "itl", s.itlMs());
        latency(j, "e2el", s.e2elMs());
        latency(j, "client_queue_time", s.queueMs());
        perRequest(j, measured, measureStartNanos);
        Summary.Samples samples = Summary.Samples.of(measured.stream().filter(RequestRecord::ok).toList());
        j.put("histograms", new JsonObject()
                .put("ttft_ms", histogram(samples.ttft()))
                .put("tpot_ms", histogram(samples.tpot()))
                .put("itl_ms", histogram(samples.itl()))
                .put("e2el_ms", histogram(samples.e2el())));
        Timeline t = Timeline.of(all, endNanos);
        j.put("timeline", new JsonObject()
                .put("bucket_s", 1)
                .put("warmup_end_s", measureStartNanos / 1e9)
                .put("output_tokens_per_s", array(t.outputTokens()))
                .put("completed", array(t.completed()))
                .put("failed", array(t.failed()))
                .put("mean_in_flight", array(t.meanInFlight())));
        j.put("server_metrics", serverMetrics);
        double from = measureStartNanos / 1e9;
        j.put("server_memory", MemoryTrend.of(serverMetrics, from, from + durationSeconds));
        return j;
    }

    /**
     * Output tokens that arrived in [from, to] from any request: warm-up ones still answering, and
     * ones cut off later. vLLM's output_throughput counts only the measured requests that finished,
     * over a window their warm-up predecessors also used; with a queue minutes deep that is neither
     * the server's rate nor the rate clients saw, so this one is reported beside it.
     */
    static double streamedTokens(List<RequestRecord> all, long fromNanos, long toNanos) {
        double tokens = 0;
        for (RequestRecord r : all) {
            double perChunk = r.tokensPerChunk();
            for (long t : r.chunkNanos()) {
                if (t >= fromNanos && t <= toNanos) {
                    tokens += perChunk;
                }
            }
        }
        return tokens;
    }

    /** mean_X_ms, median_X_ms, std_X_ms (vLLM), p50_X_ms, p90_X_ms, p99_X_ms. */
    private static void latency(JsonObject j, String name, Percentiles p) {
        j.put("mean_" + name + "_ms", p.mean())
                .put("median_" + name + "_ms", p.median())
                .put("std_" + name + "_ms", p.std())
                .put("p50_" + name + "_ms", p.median())
                .put("p90_" + name + "_ms", p.p90())
                .put("p99_" + name + "_ms", p.p99());
    }

    /**
     * vLLM's per-request lists (seconds, as vLLM writes them), plus which session, conversation and
     * turn, its cached prompt tokens and the replica that answered (null when none said).
     */
    private static void perRequest(JsonObject j, List<RequestRecord> measured, long measureStartNanos) {
        JsonArray inputs = new JsonArray();
        JsonArray outputs = new JsonArray();
        JsonArray ttfts = new JsonArray();
        JsonArray latencies = new JsonArray();
        JsonArray starts = new JsonArray();
        JsonArray errors = new JsonArray();
        JsonArray sessions = new JsonArray();
        JsonArray conversations = new JsonArray();
        JsonArray turns = new JsonArray();
        JsonArray cached = new JsonArray();
        JsonArray replicas = new JsonArray();
        for (RequestRecord r : measured) {
            inputs.add(r.promptTokens());
            outputs.add(r.ok() ? r.outputTokens() : 0);
            ttfts.add(r.ok() && r.hasFirstToken() ? r.ttftNanos() / 1e9 : 0.0);
            latencies.add(r.ok() ? r.e2elNanos() / 1e9 : 0.0);
            starts.add((r.startNanos() - measureStartNanos) / 1e9);
            errors.add(switch (r.status()) {
                case OK -> "";
                case FAILED -> r.error();
                case INCOMPLETE -> "incomplete";
            });
            sessions.add(r.session());
            conversations.add(r.conversation());
            turns.add(r.turn());
            cached.add(r.cachedTokens());
            replicas.add(r.replica());
        }
        j.put("input_lens", inputs).put("output_lens", outputs).put("ttfts", ttfts).put("latencies", latencies)
                .put("start_times", starts).put("errors", errors)
                .put("sessions", sessions).put("conversations", conversations).put("turns", turns)
                .put("cached_lens", cached).put("served_by", replicas);
    }

    private static JsonObject histogram(double[] values) {
        Histogram h = Histogram.of(values, HISTOGRAM_BINS);
        return new JsonObject().put("width", h.width()).put("counts", array(h.counts())).put("overflow", h.overflow());
    }

    static JsonObject config(LoadTestOptions o) {
        return new JsonObject()
                .put("url", o.target().describe())
                .put("protocol", o.protocol().name().toLowerCase())
                .put("sessions", o.sessions())
                .put("turns", o.turns())
                .put("schedule", o.schedule().describe())
                .put("request_rate", o.schedule() instanceof ArrivalSchedule.Poisson p ? p.ratePerSecond() : null)
                .put("max_concurrency", o.schedule() instanceof ArrivalSchedule.Closed c ? c.concurrency() : null)
                .put("duration_s", o.duration().toMillis() / 1e3)
                .put("requests", o.maxRequests())
                .put("warmup_s", o.warmup().toMillis() / 1e3)
                .put("grace_s", o.grace().toMillis() / 1e3)
                .put("prompts", o.prompts().describe())
                .put("max_tokens", o.maxTokens().describe())
                .put("ignore_eos", o.ignoreEos())
                .put("temperature", o.temperature())
                .put("seed", o.seed())
                .put("system", o.system())
                .put("verify_history", o.verifyHistory());
    }

    private static JsonArray array(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonArray array(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    static void write(JsonObject result, Path file) throws IOException {
        Files.writeString(file, result.encodePrettily(), StandardCharsets.UTF_8);
    }

    static JsonObject read(Path file) throws IOException {
        return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    }
}
