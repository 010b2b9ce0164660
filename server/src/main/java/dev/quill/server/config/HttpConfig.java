package dev.quill.server.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * The {@code http:} settings: how long a connection may idle or take to send a request, how many
 * connections the server holds, which host names and browser origins it answers, and whether the
 * operational endpoints need the API key. Every key is documented in config/quill.yaml.
 *
 * @param idleTimeout a connection with no request in progress is closed after this long; an idle
 *                    WebSocket that answers no ping for this long too
 * @param requestReadTimeout a request must arrive whole within this long of its first byte
 * @param maxConnections open connections, at most (already resolved when the setting was 0)
 * @param maxConnectionsPerAddress open connections from one remote address, at most; 0: no limit
 * @param allowedHosts host names besides localhost and IP literals that a key-less server answers
 * @param corsOrigins origins allowed to call /v1 from a browser; empty: CORS off; "*": any
 * @param protectMetrics /metrics needs the API key
 * @param protectReady /health/ready needs the API key
 */
public record HttpConfig(Duration idleTimeout, Duration requestReadTimeout, int maxConnections,
                         int maxConnectionsPerAddress, List<String> allowedHosts, List<String> corsOrigins,
                         boolean protectMetrics, boolean protectReady) {

    /** The cap on the derived connection limit: past it, memory rather than descriptors runs out first. */
    static final int AUTO_MAX_CONNECTIONS = 8192;

    public static HttpConfig from(Settings s) {
        int idle = s.integer("http.idle_timeout_seconds");
        int read = s.integer("http.request_read_timeout_seconds");
        int max = s.integer("http.max_connections");
        int perAddress = s.integer("http.max_connections_per_address");
        if (idle <= 0 || read <= 0) {
            throw new IllegalArgumentException("http.idle_timeout_seconds and http.request_read_timeout_seconds must be positive");
        }
        if (max < 0 || perAddress < 0) {
            throw new IllegalArgumentException("http.max_connections and http.max_connections_per_address must not be negative");
        }
        HttpConfig c = new HttpConfig(Duration.ofSeconds(idle), Duration.ofSeconds(read),
                max == 0 ? autoMaxConnections() : max, perAddress,
                s.list("http.allowed_hosts"), s.list("http.cors_origins"),
                s.bool("http.protect_metrics"), s.bool("http.protect_ready"));
        if ((c.protectMetrics || c.protectReady) && s.list("auth.api_keys").isEmpty()) {
            throw new IllegalArgumentException("http.protect_metrics and http.protect_ready need auth.api_keys: "
                    + "without a key there is nothing to protect them with");
        }
        return c;
    }

    /** Whether browsers on other origins may call /v1 (CORS). */
    public boolean corsEnabled() {
        return !corsOrigins.isEmpty();
    }

    /**
     * Three quarters of the process's open-file limit (the rest is for the model's files, Redis,
     * logs and the JVM), at most {@link #AUTO_MAX_CONNECTIONS}; that cap where the OS does not say.
     */
    static int autoMaxConnections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long limit = os.getMaxFileDescriptorCount();
            return (int) Math.max(16, Math.min(AUTO_MAX_CONNECTIONS, limit * 3 / 4));
        }
        return AUTO_MAX_CONNECTIONS;
    }
}
