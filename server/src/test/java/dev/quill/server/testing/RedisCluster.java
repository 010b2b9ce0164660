package dev.quill.server.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of three masters on loopback, for tests: three {@code redis-server} processes
 * with {@code cluster-enabled}, joined and given the 16384 slots by {@code redis-cli --cluster
 * create} (Debian's redis-tools, which redis-server depends on).
 *
 * <p>Not thread-safe: drive it from the test thread.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> masters = new ArrayList<>();

    private RedisCluster() {
    }

    public static RedisCluster start() {
        RedisCluster c = new RedisCluster();
        try {
            for (int i = 0; i < 3; i++) {
                c.masters.add(RedisServer.withOptions("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "2000"));
            }
            c.create();
            c.awaitStateOk();
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A store URI naming every node. */
    public String uri() {
        StringBuilder b = new StringBuilder("redis-cluster://");
        for (int i = 0; i < masters.size(); i++) {
            b.append(i == 0 ? "" : ",").append("127.0.0.1:").append(masters.get(i).port());
        }
        return b.toString();
    }

    /** {@code redis-cli --cluster create}, which also waits until every node agrees on the slots. */
    private void create() {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        masters.forEach(m -> command.add("127.0.0.1:" + m.port()));
        command.add("--cluster-yes");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create did not finish within " + CREATE_TIMEOUT);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || !out.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed (" + p.exitValue() + "):\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run redis-cli (Debian's redis-tools)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * {@code --cluster create} returns once the slots are assigned; a node answers CLUSTERDOWN
     * until gossip has told it the others are up too. Waits until each says {@code cluster_state:ok}.
     */
    private void awaitStateOk() {
        long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
        for (RedisServer m : masters) {
            RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + m.port()));
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                while (!c.sync().clusterInfo().contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("node " + m.port() + " not cluster_state:ok within " + CREATE_TIMEOUT
                                + ":\n" + c.sync().clusterInfo());
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    @Override
    public void close() {
        masters.forEach(RedisServer::close);
    }
}
