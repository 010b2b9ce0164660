package dev.quill.server.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RedisConversationStore} reaches Redis and lays out its keys.
 *
 * @param uri a Lettuce Redis URI, e.g. {@code redis://localhost:6379/0}
 * @param keyPrefix prepended to every key, e.g. {@code quill:}; lets several deployments share one Redis
 * @param idleExpiry a conversation not appended to for this long is deleted by Redis
 * @param commandTimeout a command not answered within this time fails with
 *     {@link StoreUnavailableException}; also bounds connecting
 */
public record RedisStoreConfig(String uri, String keyPrefix, Duration idleExpiry, Duration commandTimeout) {

    public static final String DEFAULT_KEY_PREFIX = "quill:";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    public RedisStoreConfig {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        requirePositive(idleExpiry, "idleExpiry");
        requirePositive(commandTimeout, "commandTimeout");
    }

    /** The default prefix and command timeout. */
    public static RedisStoreConfig of(String uri, Duration idleExpiry) {
        return new RedisStoreConfig(uri, DEFAULT_KEY_PREFIX, idleExpiry, DEFAULT_COMMAND_TIMEOUT);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }
}
