package dev.quill.server.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Where Redis is, as {@code store.redis} names it, and Lettuce's client for it:
 * <ul>
 *   <li>{@code redis://host:port[/db]} (or {@code rediss://}): one server;
 *   <li>{@code redis-sentinel://host1:26379,host2:26379[/db]#mastername}: the master that Redis
 *       Sentinel names; after a failover the reconnect asks the sentinels again and follows it;
 *   <li>{@code redis-cluster://host1:port1,host2:port2,...} (or {@code rediss-cluster://}): a Redis
 *       Cluster, found from any of the nodes listed. Each command goes to the master of its key's
 *       slot; the store's keys of one conversation (or one client list) share a hash tag, so each
 *       script touches one slot. A failover or resharding is followed by refreshing the topology
 *       on the redirects and reconnects it causes.
 * </ul>
 * User and password go in the URI as Lettuce takes them ({@code redis://:secret@host}); for a
 * cluster they apply to every node listed.
 */
abstract sealed class RedisEndpoint {

    /** Parses the URI and builds the client; connects nothing yet. */
    static RedisEndpoint of(String uri, ClientResources resources, Duration commandTimeout) {
        String scheme = uri.contains("://") ? uri.substring(0, uri.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        return switch (scheme) {
            case "redis-cluster", "rediss-cluster" -> new Cluster(clusterNodes(uri, scheme, commandTimeout), resources, commandTimeout);
            default -> new Single(uri, resources, commandTimeout);
        };
    }

    /** Starts one connection; it reconnects by itself once made. */
    abstract CompletableFuture<StatefulConnection<String, String>> connect();

    /** The asynchronous commands of a connection this endpoint made. */
    abstract RedisClusterAsyncCommands<String, String> commands(StatefulConnection<String, String> connection);

    /** Closes the client's connections; blocks up to {@code timeout}. */
    abstract void shutdown(Duration timeout);

    /** What both clients share: fail fast while disconnected, bounded commands, keep-alive. */
    private static <B extends ClientOptions.Builder> B configure(B builder, Duration commandTimeout) {
        builder.autoReconnect(true)
                // Fail fast while disconnected; the default buffers commands without bound.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.builder().fixedTimeout(commandTimeout).build())
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(commandTimeout)
                        // A peer that vanished without closing the socket (a partition, not a restart)
                        // leaves commands timing out until TCP notices; the OS default for that is hours.
                        .keepAlive(SocketOptions.KeepAliveOptions.builder().enable()
                                .idle(Duration.ofSeconds(10)).interval(Duration.ofSeconds(5)).count(3).build())
                        .build());
        return builder;
    }

    /** {@code redis-cluster://[user:pass@]h1:p1,h2:p2} as one {@code redis://} URI per node. */
    static List<RedisURI> clusterNodes(String uri, String scheme, Duration commandTimeout) {
        String rest = uri.substring(scheme.length() + "://".length());
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            rest = rest.substring(0, slash); // a cluster has one database: nothing after the hosts is meaningful
        }
        int at = rest.lastIndexOf('@');
        String credentials = at >= 0 ? rest.substring(0, at + 1) : "";
        String hosts = at >= 0 ? rest.substring(at + 1) : rest;
        String nodeScheme = scheme.startsWith("rediss") ? "rediss://" : "redis://";
        List<RedisURI> nodes = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                continue;
            }
            RedisURI node = RedisURI.create(nodeScheme + credentials + host.trim());
            node.setTimeout(commandTimeout);
            nodes.add(node);
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("store.redis '" + scheme + "://…' names no nodes; expected "
                    + scheme + "://host1:port1,host2:port2,...");
        }
        return nodes;
    }

    /** One server, or the master Sentinel names: Lettuce's {@link RedisClient}. */
    static final class Single extends RedisEndpoint {
        private final RedisClient client;
        private final RedisURI uri;

        Single(String uri, ClientResources resources, Duration commandTimeout) {
            this.uri = RedisURI.create(uri);
            this.uri.setTimeout(commandTimeout);
            this.client = RedisClient.create(resources, this.uri);
            client.setOptions(configure(ClientOptions.builder(), commandTimeout).build());
        }

        @Override
        CompletableFuture<StatefulConnection<String, String>> connect() {
            return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture().thenApply(c -> c);
        }

        @Override
        @SuppressWarnings("unchecked")
        RedisClusterAsyncCommands<String, String> commands(StatefulConnection<String, String> connection) {
            return ((StatefulRedisConnection<String, String>) connection).async();
        }

        @Override
        void shutdown(Duration timeout) {
            client.shutdown(Duration.ZERO, timeout);
        }
    }

    /** A Redis Cluster: Lettuce's {@link RedisClusterClient}, which routes each command by its key's slot. */
    static final class Cluster extends RedisEndpoint {
        /** Commands that may wait for a master's connection; beyond it they fail at once. */
        private static final int CLUSTER_QUEUE = 10_000;

        private final RedisClusterClient client;

        Cluster(List<RedisURI> nodes, ClientResources resources, Duration commandTimeout) {
            this.client = RedisClusterClient.create(resources, nodes);
            client.setOptions(configure(ClusterClientOptions.builder(), commandTimeout)
                    // A cluster connection opens its connection to each master lazily, on the first
                    // command for that master's slots; rejecting commands while "disconnected" would
                    // reject those first commands. So commands wait for a (re)connection instead, each
                    // no longer than the command timeout, in a bounded queue.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .requestQueueSize(CLUSTER_QUEUE)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            // MOVED after a failover, reconnect attempts to a dead master: look again at once
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .build())
                    .build());
        }

        @Override
        CompletableFuture<StatefulConnection<String, String>> connect() {
            // connectAsync needs the topology already loaded (only the blocking connect loads it itself)
            return client.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(v -> client.connectAsync(StringCodec.UTF8))
                    .thenApply(c -> c);
        }

        @Override
        @SuppressWarnings("unchecked")
        RedisClusterAsyncCommands<String, String> commands(StatefulConnection<String, String> connection) {
            return ((StatefulRedisClusterConnection<String, String>) connection).async();
        }

        @Override
        void shutdown(Duration timeout) {
            client.shutdown(Duration.ZERO, timeout);
        }
    }
}
