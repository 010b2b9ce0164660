package dev.quill.server.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} child process on a free loopback port, for tests. No Docker, no
 * mocks: the Debian package's binary must be on the PATH ({@code .ci/run} installs it), and a test
 * that needs it fails, not skips, when it is missing.
 *
 * <p>{@link #stop()} and {@link #start()} may be repeated; the server always comes back on the same
 * port, which is how tests make Redis go away and return under a connected client. Without
 * {@link #persistent()} data lives only in memory and is lost on stop; a persistent server writes
 * an fsync-always append-only file in its own temporary folder, so data survives a restart.
 *
 * <p>Not thread-safe: drive it from the test thread ({@code @BeforeAll}, {@code @AfterAll}, a test).
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path executable;
    private final boolean persistent;
    private final int port;
    private final Path dir;
    private final List<String> leading;  // before the options: a config file, --sentinel
    private final List<String> options;  // after ours, so they win: --replicaof, --cluster-enabled, ...
    private Process process;

    private RedisServer(boolean persistent) {
        this(persistent, List.of(), List.of());
    }

    private RedisServer(boolean persistent, List<String> leading, List<String> options) {
        this.executable = executable();
        this.persistent = persistent;
        this.leading = leading;
        this.options = options;
        this.port = freePort();
        try {
            this.dir = Files.createTempDirectory("quill-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server that keeps data in memory only, and waits until it answers PING. */
    public static RedisServer ephemeral() {
        RedisServer server = new RedisServer(false);
        server.start();
        return server;
    }

    /** Starts a server whose data survives {@link #stop()} / {@link #start()}. */
    public static RedisServer persistent() {
        RedisServer server = new RedisServer(true);
        server.start();
        return server;
    }

    /**
     * Starts a server that keeps data in memory only, with more {@code redis-server} options
     * ({@code "--replicaof", "127.0.0.1", "6379"}, {@code "--cluster-enabled", "yes"}).
     */
    public static RedisServer withOptions(String... options) {
        RedisServer server = new RedisServer(false, List.of(), List.of(options));
        server.start();
        return server;
    }

    /**
     * Starts a Redis Sentinel ({@code redis-server CONFIG --sentinel}, which is all Debian's
     * {@code redis-sentinel} is) whose config file holds {@code config}; Sentinel rewrites that
     * file as it learns the topology, so it lives in the server's own folder.
     */
    public static RedisServer sentinel(String config) {
        RedisServer server;
        try {
            Path dir = Files.createTempDirectory("quill-sentinel-");
            Path file = dir.resolve("sentinel.conf");
            Files.writeString(file, config);
            server = new RedisServer(false, List.of(file.toString(), "--sentinel"), List.of(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.start();
        return server;
    }

    private RedisServer(boolean persistent, List<String> leading, List<String> options, Path dir) {
        this.executable = executable();
        this.persistent = persistent;
        this.leading = leading;
        this.options = options;
        this.port = freePort();
        this.dir = dir;
    }

    /** Kills the process (SIGKILL: no flush, no goodbye to clients or replicas), as a crash would. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public int port() {
        return port;
    }

    /** A Lettuce URI for this server. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process (again) on this server's port and returns once it answers PING. */
    public void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server is already running on port " + port);
        }
        ProcessBuilder builder = new ProcessBuilder(command())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server: " + e.getMessage(), e);
        }
        awaitReady();
    }

    /** Stops the process (SIGTERM, so a persistent server flushes its file) and waits until it is gone. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the server and deletes its folder. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(leading);
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--daemonize", "no",
                "--save", "", "--dir", dir.toString()));
        command.addAll(persistent
                ? List.of("--appendonly", "yes", "--appendfsync", "always")
                : List.of("--appendonly", "no"));
        command.addAll(options);
        return command;
    }

    /** Polls until the server answers PING with PONG (it answers LOADING while reading its file). */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ":\n" + logText());
            }
            try {
                last = ping();
                if ("+PONG".equals(last)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            pauseBeforeRetry();
        }
        stop();
        throw new IllegalStateException("redis-server on port " + port + " not ready after " + READY_TIMEOUT
                + " (last: " + last + "):\n" + logText());
    }

    private String ping() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return String.valueOf(in.readLine());
        }
    }

    /** The gap between readiness polls; the loop itself is bounded by {@link #READY_TIMEOUT}. */
    private static void pauseBeforeRetry() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }

    private static Path executable() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("redis-server is not on the PATH (" + path + "). The Redis tests need a real "
                + "server: install the Debian package with `apt-get install -y redis-server` (.ci/run does this).");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path log() {
        return dir.resolve("redis.log");
    }

    private String logText() {
        try {
            return Files.exists(log()) ? Files.readString(log()) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
