package dev.quill.server.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Reads the server's Prometheus {@code /metrics} once a second while the run lasts, so the report
 * can show the server's side: queue depth, running sequences and KV cache use over time. Knows
 * Quill's names, and vLLM's and llama.cpp's for the same gauges. From Quill it also keeps the
 * memory series (heap after collection, used and committed; RSS; live native arrays) and the blocked-event-loop counter, which
 * {@link MemoryTrend} compares across the run; another server has no such series. A server
 * without {@code /metrics}, or with none of those names, is noted once and left alone; a single
 * failed scrape is a gap. Confined to the run's event loop.
 */
final class MetricsScraper {

    /** A gauge the report draws, and the names servers give it (summed over label sets). */
    record Gauge(String key, List<String> names) {
    }

    private static final List<Gauge> GAUGES = List.of(
            new Gauge("queue_depth", List.of("quill_queue_depth", "vllm:num_requests_waiting", "llamacpp:requests_deferred")),
            new Gauge("running_sequences", List.of("quill_running_sequences", "vllm:num_requests_running",
                    "llamacpp:requests_processing")),
            new Gauge("kv_tokens_in_use", List.of("quill_kv_tokens_in_use")));

    /** Quill only; a series is written only when the server reported it at least once. */
    static final List<Gauge> MEMORY = List.of(
            new Gauge("heap_after_gc_bytes", List.of("quill_jvm_heap_after_gc_bytes")),
            new Gauge("heap_used_bytes", List.of("quill_jvm_heap_used_bytes")),
            new Gauge("heap_committed_bytes", List.of("quill_jvm_heap_committed_bytes")),
            new Gauge("resident_memory_bytes", List.of("quill_process_resident_memory_bytes")),
            new Gauge("native_arrays_live", List.of("quill_native_arrays_live")),
            new Gauge("event_loop_blocked_total", List.of("quill_event_loop_blocked_total")));

    private static final List<Gauge> ALL = Stream.concat(GAUGES.stream(), MEMORY.stream()).toList();

    /**
     * RSS less the committed heap: the process's memory outside the Java heap (libtorch, the
     * weights and KV cache, the JVM's own), apart from the heap G1 grows into on its own.
     */
    static final String OUTSIDE_HEAP = "resident_outside_heap_bytes";

    /** KV use as a fraction: Quill's tokens in use over capacity, else the server's own ratio. */
    private static final List<String> KV_USAGE = List.of("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc",
            "llamacpp:kv_cache_usage_ratio");

    private final Vertx vertx;
    private final HttpClient client;
    private final Target target;
    private final LongSupplier clock;
    private final JsonArray times = new JsonArray();
    private final Map<String, JsonArray> series = new HashMap<>();
    private String source;
    private String note;
    private boolean inFlight;
    private long timer = -1;
    private int missed;

    MetricsScraper(Vertx vertx, HttpClient client, Target target, LongSupplier clock) {
        this.vertx = vertx;
        this.client = client;
        this.target = target;
        this.clock = clock;
        for (Gauge g : ALL) {
            series.put(g.key(), new JsonArray());
        }
        series.put("kv_usage", new JsonArray());
        series.put(OUTSIDE_HEAP, new JsonArray());
    }

    void start() {
        scrape();
        timer = vertx.setPeriodic(1000, id -> scrape());
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void scrape() {
        if (inFlight || note != null) {
            return; // one at a time; a slow server is not piled on
        }
        inFlight = true;
        long at = clock.getAsLong();
        client.request(target.metrics().setIdleTimeout(2000))
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> resp.statusCode() == 200 ? body.toString() : null))
                .onComplete(ar -> {
                    inFlight = false;
                    if (ar.succeeded() && ar.result() != null) {
                        record(at, parse(ar.result()));
                    } else if (source == null) {
                        giveUp(ar.succeeded() ? "/metrics answered with an error status"
                                : "/metrics unreachable: " + ar.cause().getMessage());
                    } else {
                        missed++;
                    }
                });
    }

    private void giveUp(String why) {
        note = why;
        stop();
    }

    /** One scrape's values (package-private: tests feed it scripted scrapes). */
    void record(long atNanos, Map<String, Double> values) {
        if (source == null) {
            source = values.containsKey("quill_queue_depth") ? "quill"
                    : values.keySet().stream().anyMatch(k -> k.startsWith("vllm:")) ? "vllm"
                    : values.keySet().stream().anyMatch(k -> k.startsWith("llamacpp:")) ? "llama.cpp" : null;
            if (source == null) {
                giveUp("/metrics has none of the gauges the report knows (queue depth, running, KV use)");
                return;
            }
        }
        times.add(Math.round(atNanos / 1e6) / 1e3);
        for (Gauge g : ALL) {
            series.get(g.key()).add(first(values, g.names()));
        }
        Double used = values.get("quill_kv_tokens_in_use");
        Double capacity = values.get("quill_kv_tokens_capacity");
        // Boxed on both sides: with a primitive one, a scrape with neither would unbox null and throw.
        Double usage = used != null && capacity != null && capacity > 0 ? Double.valueOf(used / capacity) : first(values, KV_USAGE);
        series.get("kv_usage").add(usage);
        Double rss = values.get("quill_process_resident_memory_bytes");
        Double committed = values.get("quill_jvm_heap_committed_bytes");
        series.get(OUTSIDE_HEAP).add(rss != null && committed != null ? Double.valueOf(rss - committed) : null);
    }

    private static Double first(Map<String, Double> values, List<String> names) {
        for (String n : names) {
            if (values.containsKey(n)) {
                return values.get(n);
            }
        }
        return null;
    }

    /** The samples of a Prometheus text exposition, by metric name, summed over label sets. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> values = new HashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int labels = line.indexOf('{');
            int space = line.indexOf(' ');
            int nameEnd = labels >= 0 && (space < 0 || labels < space) ? labels : space;
            if (nameEnd <= 0) {
                continue;
            }
            String rest = labels == nameEnd ? line.substring(line.lastIndexOf('}') + 1) : line.substring(nameEnd);
            String[] fields = rest.strip().split("\\s+");
            try {
                values.merge(line.substring(0, nameEnd), Double.parseDouble(fields[0]), Double::sum);
            } catch (NumberFormatException e) {
                // not a sample line we understand; skip it
            }
        }
        return values;
    }

    /** The series for the result file: times in seconds since the run started, null where a gauge is absent. */
    JsonObject toJson() {
        JsonObject o = new JsonObject().put("source", source).put("missed_scrapes", missed);
        if (source == null) {
            return o.put("note", note == null ? "no scrape finished" : note);
        }
        o.put("t", times);
        series.forEach(o::put);
        Stream.concat(MEMORY.stream().map(Gauge::key), Stream.of(OUTSIDE_HEAP)).forEach(key -> {
            if (series.get(key).stream().allMatch(v -> v == null)) {
                o.remove(key); // not a Quill, or one from before these metrics
            }
        });
        return o;
    }

    /** The last value scraped of a series ({@code MEMORY} or gauge key), or null. */
    Double latest(String key) {
        JsonArray s = series.get(key);
        return s == null || s.isEmpty() ? null : (Double) s.getValue(s.size() - 1);
    }
}
