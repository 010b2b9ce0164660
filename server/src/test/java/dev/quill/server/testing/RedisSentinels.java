package dev.quill.server.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Redis Sentinel on loopback, for tests: one master, one replica and three sentinels (quorum 2),
 * each a real {@code redis-server} child process ({@link RedisServer}). The sentinels call the
 * master down after one second without an answer, so a failover takes a few seconds.
 *
 * <p>Not thread-safe: drive it from the test thread.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER_NAME = "quill";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> servers = new ArrayList<>(); // master, replica
    private final List<RedisServer> sentinels = new ArrayList<>();

    private RedisSentinels() {
    }

    /** Starts the five processes and returns once the sentinels know the replica and each other. */
    public static RedisSentinels start() {
        RedisSentinels s = new RedisSentinels();
        try {
            RedisServer master = RedisServer.withOptions();
            s.servers.add(master);
            s.servers.add(RedisServer.withOptions("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            for (int i = 0; i < 3; i++) {
                s.sentinels.add(RedisServer.sentinel(String.join("\n",
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                        "sentinel failover-timeout " + MASTER_NAME + " 10000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1", "")));
            }
            s.awaitReady();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A Lettuce URI that finds the master through the sentinels. */
    public String uri() {
        StringBuilder b = new StringBuilder("redis-sentinel://");
        for (int i = 0; i < sentinels.size(); i++) {
            b.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinels.get(i).port());
        }
        return b.append("#").append(MASTER_NAME).toString();
    }

    /** The port of the master the sentinels name now. */
    public int masterPort() {
        return Integer.parseInt(masterInfo().get("port"));
    }

    /** The process serving as master now. */
    public RedisServer master() {
        int port = masterPort();
        return servers.stream().filter(r -> r.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no server on the master's port " + port));
    }

    /**
     * Kills the master (SIGKILL) and returns once the sentinels have promoted the replica and it
     * accepts writes.
     */
    public void killMasterAndAwaitFailover() {
        RedisServer old = master();
        old.kill();
        await(() -> masterPort() != old.port() && acceptsWrites(masterPort()), "the replica promoted after the master was killed");
    }

    private void awaitReady() {
        await(() -> {
            Map<String, String> m = masterInfo();
            return Integer.parseInt(m.getOrDefault("num-slaves", "0")) >= 1
                    && Integer.parseInt(m.getOrDefault("num-other-sentinels", "0")) >= 2
                    && replicaInSync();
        }, "three sentinels that know the master, the replica and each other");
    }

    private boolean replicaInSync() {
        try (Admin a = new Admin(RedisURI.create("redis://127.0.0.1:" + servers.get(1).port()))) {
            return a.connection.sync().info("replication").contains("master_link_status:up");
        }
    }

    private static boolean acceptsWrites(int port) {
        try (Admin a = new Admin(RedisURI.create("redis://127.0.0.1:" + port))) {
            a.connection.sync().set("quill-test:failover-probe", "1");
            return true;
        } catch (RuntimeException e) {
            return false; // still a replica (READONLY), or not up
        }
    }

    /** What a live sentinel says of the master. */
    private Map<String, String> masterInfo() {
        RuntimeException last = null;
        for (RedisServer sentinel : sentinels) {
            RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinel.port()));
            try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
                return c.sync().master(MASTER_NAME);
            } catch (RuntimeException e) {
                last = e;
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
        throw new IllegalStateException("no sentinel answers", last);
    }

    private static void await(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("not ready within " + READY_TIMEOUT + ": " + what, last);
    }

    @Override
    public void close() {
        sentinels.forEach(RedisServer::close);
        servers.forEach(RedisServer::close);
    }

    /** A short-lived blocking connection for asking Redis how things stand. */
    private static final class Admin implements AutoCloseable {
        final RedisClient client;
        final StatefulRedisConnection<String, String> connection;

        Admin(RedisURI uri) {
            uri.setTimeout(Duration.ofSeconds(1));
            client = RedisClient.create(uri);
            try {
                connection = client.connect();
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                throw e;
            }
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
