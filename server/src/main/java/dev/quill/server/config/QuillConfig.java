package dev.quill.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The settings the server runs with, typed. Every key is documented in config/quill.yaml. */
public record QuillConfig(
        String host, int port, int maxBodyBytes, int maxStreamsPerSocket, Duration sseKeepAlive, Duration shutdownGrace,
        Path modelPath, String modelName, String device, int threads, int interopThreads,
        int slots, long kvBudgetTokens, int maxLength, int maxWaiting, int stepTokenBudget, boolean prefixCache, int defaultMaxTokens,
        String redisUri, String keyPrefix, Duration idleExpiry, Duration storeTimeout,
        List<String> apiKeys, List<String> allowedOrigins,
        int maxMessages, int promptWorkers, int promptQueue,
        int wsMaxQueuedBytes, int wsHistoryBytes, HttpConfig http, String replicaId) {

    /** Where the bundled demo model lives, relative to the working directory. */
    public static final Path DEMO_MODEL = Path.of("models", "quill-demo");

    public static QuillConfig from(Settings s) {
        String path = s.string("model.path").trim();
        Path modelPath = path.isEmpty() ? DEMO_MODEL : Path.of(path);
        String name = s.string("model.name").trim();
        QuillConfig c = new QuillConfig(
                s.string("server.host"), s.integer("server.port"), s.integer("server.max_body_bytes"),
                s.integer("server.max_streams_per_socket"), Duration.ofSeconds(s.integer("server.sse_keepalive_seconds")),
                Duration.ofSeconds(s.integer("server.shutdown_grace_seconds")),
                modelPath, name.isEmpty() ? modelPath.getFileName().toString() : name, s.string("model.device"),
                s.integer("model.threads"), s.integer("model.interop_threads"),
                s.integer("engine.slots"), s.integer("engine.kv_budget_tokens"), s.integer("engine.max_length"), s.integer("engine.max_waiting"),
                s.integer("engine.step_token_budget"), s.bool("engine.prefix_cache"), s.integer("engine.default_max_tokens"),
                s.string("store.redis").trim(), s.string("store.key_prefix"),
                Duration.ofMinutes(s.integer("store.idle_expiry_minutes")), Duration.ofMillis(s.integer("store.timeout_ms")),
                s.list("auth.api_keys"), s.list("auth.allowed_origins"),
                s.integer("server.max_messages"), s.integer("server.prompt_workers"), s.integer("server.prompt_queue"),
                s.integer("server.ws_max_queued_bytes"), s.integer("server.ws_history_bytes"), HttpConfig.from(s),
                s.string("server.replica_id").trim());
        if (c.port < 0 || c.port > 65535) {
            throw new IllegalArgumentException("server.port must be in [0, 65535], got " + c.port);
        }
        if (c.slots <= 0 || c.maxWaiting < 0 || c.stepTokenBudget <= 0 || c.defaultMaxTokens <= 0) {
            throw new IllegalArgumentException("engine.slots, engine.step_token_budget and engine.default_max_tokens "
                    + "must be positive and engine.max_waiting non-negative");
        }
        if (c.maxMessages <= 0 || c.promptWorkers <= 0 || c.promptQueue < 0) {
            throw new IllegalArgumentException("server.max_messages and server.prompt_workers must be positive "
                    + "and server.prompt_queue non-negative");
        }
        if (c.wsHistoryBytes < 1024 || c.wsMaxQueuedBytes < c.wsHistoryBytes) {
            throw new IllegalArgumentException("server.ws_history_bytes must be at least 1024 and at most "
                    + "server.ws_max_queued_bytes, got " + c.wsHistoryBytes + " and " + c.wsMaxQueuedBytes);
        }
        if (!c.replicaId.isEmpty() && !REPLICA_ID.matcher(c.replicaId).matches()) {
            throw new IllegalArgumentException("server.replica_id must be 1 to 128 printable ASCII characters "
                    + "without spaces (it goes into a response header), got '" + c.replicaId + "'");
        }
        return c;
    }

    /** What a replica id may hold: it is sent as the value of a header, and in WebSocket frames. */
    private static final java.util.regex.Pattern REPLICA_ID = java.util.regex.Pattern.compile("[!-~]{1,128}");

    public boolean usesRedis() {
        return !redisUri.isEmpty();
    }
}
