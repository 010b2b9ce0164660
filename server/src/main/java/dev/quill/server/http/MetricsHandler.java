package dev.quill.server.http;

import dev.quill.model.engine.EngineMetrics;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * GET /metrics in Prometheus' text exposition format. The process's memory is read from procfs
 * on a worker thread (a file read, however fast, does not belong on the event loop); everything
 * else is counters in memory.
 */
public final class MetricsHandler {

    private final Vertx vertx;
    private final EngineMetrics engine;
    private final ServerMetrics server;

    public MetricsHandler(Vertx vertx, EngineMetrics engine, ServerMetrics server) {
        this.vertx = vertx;
        this.engine = engine;
        this.server = server;
    }

    public void handle(RoutingContext ctx) {
        vertx.executeBlocking(ProcessMemory::residentBytes, false)
                .otherwise(OptionalLong.empty())
                .onSuccess(rss -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(render(rss)));
    }

    /** @param residentBytes the process's RSS, empty where the OS does not say */
    String render(OptionalLong residentBytes) {
        EngineMetrics.Snapshot e = engine.snapshot();
        StringBuilder b = new StringBuilder();
        gauge(b, "quill_queue_depth", "Requests waiting for a KV cache slot.", e.queueDepth());
        gauge(b, "quill_running_sequences", "Sequences decoded in the current step.", e.running());
        gauge(b, "quill_kv_tokens_in_use", "Tokens whose keys/values running sequences hold.", e.kvTokensInUse());
        gauge(b, "quill_kv_tokens_capacity", "Tokens the KV cache can hold.", e.kvTokenCapacity());
        gauge(b, "quill_kv_blocks", "Blocks of the KV cache pool.", e.kvBlocks());
        gauge(b, "quill_kv_blocks_held", "KV blocks held by running sequences.", e.kvBlocksHeld());
        gauge(b, "quill_kv_blocks_cached", "KV blocks held by nobody that keep finished prefixes for reuse.", e.kvBlocksCached());
        gauge(b, "quill_kv_block_bytes", "Bytes of one KV block (all layers, keys and values).", e.kvBytesPerBlock());
        counter(b, "quill_prefix_cache_hits_total", "Requests that reused a cached prefix.", e.prefixHits());
        counter(b, "quill_prefix_cache_tokens_total", "Prompt tokens reused from the prefix cache.", e.prefixTokensReused());
        counter(b, "quill_requests_finished_total", "Generations finished (any reason).", e.requestsFinished());
        counter(b, "quill_prompt_tokens_total", "Prompt tokens of finished requests.", e.promptTokens());
        counter(b, "quill_generated_tokens_total", "Tokens generated.", e.generatedTokens());
        counter(b, "quill_engine_steps_total", "Engine steps (batched forward passes).", e.steps());
        summary(b, "quill_time_to_first_token_seconds", "Time from submit to the first token.", e.ttftNanosSum(), e.ttftCount());
        summary(b, "quill_inter_token_latency_seconds", "Time between consecutive tokens of a request.", e.itlNanosSum(), e.itlCount());
        b.append("# HELP quill_http_requests_total HTTP requests by route and status.\n# TYPE quill_http_requests_total counter\n");
        for (Map.Entry<String, java.util.concurrent.atomic.LongAdder> r : new TreeMap<>(server.httpRequests()).entrySet()) {
            String[] parts = r.getKey().split(" ");
            b.append("quill_http_requests_total{route=\"").append(parts[0]).append("\",status=\"").append(parts[1])
                    .append("\"} ").append(r.getValue().sum()).append('\n');
        }
        gauge(b, "quill_http_connections", "Open TCP connections (HTTP, SSE and WebSocket).", server.openConnections.get());
        labelled(b, "quill_http_connections_refused_total", "Connections closed at once because a limit was reached.",
                "reason", server.connectionsRefused());
        labelled(b, "quill_http_connections_timed_out_total", "Connections closed for idling or sending too slowly.",
                "phase", server.connectionsTimedOut());
        gauge(b, "quill_websocket_connections", "Open WebSocket connections.", server.openSockets.get());
        counter(b, "quill_websocket_connections_total", "WebSocket connections opened.", server.socketsOpened.sum());
        counter(b, "quill_websocket_messages_total", "WebSocket messages received.", server.socketMessages.sum());
        gauge(b, "quill_websocket_queued_bytes", "Bytes of WebSocket frames waiting to be written to clients.",
                server.socketQueuedBytes.get());
        counter(b, "quill_websocket_overflow_closes_total",
                "WebSockets closed (1008) because their client let more than server.ws_max_queued_bytes wait.",
                server.socketsOverflowed.sum());
        gauge(b, "quill_active_streams", "Generations streaming to clients.", server.activeStreams.get());
        gauge(b, "quill_prompt_builds_pending", "Prompt builds queued or running on the prompt workers.",
                server.promptsPending.get());
        counter(b, "quill_prompt_builds_total", "Prompt builds finished (a prompt, or an error such as too long).",
                server.promptsBuilt.sum());
        counter(b, "quill_prompt_builds_cancelled_total", "Prompt builds stopped because the client left.",
                server.promptsCancelled.sum());
        counter(b, "quill_prompt_builds_overloaded_total", "Requests refused (429) because the prompt queue was full.",
                server.promptsOverloaded.sum());
        counter(b, "quill_prompt_renders_total", "Chat template renders and tokenizations done to fit prompts.",
                server.promptRenders.sum());
        MemoryUsage heap = JvmMemory.heap();
        gauge(b, "quill_jvm_heap_used_bytes", "JVM heap in use, garbage included.", heap.getUsed());
        gauge(b, "quill_jvm_heap_committed_bytes", "JVM heap the process has committed (grows up to -Xmx).",
                heap.getCommitted());
        OptionalLong afterGc = JvmMemory.heapAfterLastGc();
        if (afterGc.isPresent()) {
            gauge(b, "quill_jvm_heap_after_gc_bytes", "JVM heap in use right after the latest garbage collection.",
                    afterGc.getAsLong());
        }
        if (residentBytes.isPresent()) {
            gauge(b, "quill_process_resident_memory_bytes", "Resident set size of the process (heap, native, code).",
                    residentBytes.getAsLong());
        }
        gauge(b, "quill_native_arrays_live", "NDArrays the model holds, counted between engine steps.",
                e.nativeArraysLive());
        counter(b, "quill_event_loop_blocked_total", "Vert.x warnings that an event loop was blocked.",
                server.eventLoopBlocked.sum());
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(v).append('\n');
    }

    /** A counter with one label; its series appear once they are first counted. */
    private static void labelled(StringBuilder b, String name, String help, String label,
                                 Map<String, java.util.concurrent.atomic.LongAdder> values) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
        for (Map.Entry<String, java.util.concurrent.atomic.LongAdder> v : new TreeMap<>(values).entrySet()) {
            b.append(name).append('{').append(label).append("=\"").append(v.getKey()).append("\"} ")
                    .append(v.getValue().sum()).append('\n');
        }
    }

    private static void counter(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(v).append('\n');
    }

    private static void summary(StringBuilder b, String name, String help, long nanosSum, long count) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" summary\n")
                .append(name).append("_sum ").append(nanosSum / 1e9).append('\n')
                .append(name).append("_count ").append(count).append('\n');
    }
}
