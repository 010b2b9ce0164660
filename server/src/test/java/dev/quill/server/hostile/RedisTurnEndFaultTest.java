package dev.quill.server.hostile;

import static dev.quill.server.hostile.Turns.answer;
import static dev.quill.server.hostile.Turns.chat;
import static dev.quill.server.hostile.Turns.history;
import static dev.quill.server.hostile.Turns.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.store.RedisConversationStore;
import dev.quill.server.testing.WsAnswer;
import dev.quill.server.testing.Pacer;
import dev.quill.server.testing.RedisServer;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 12, item 8: Redis fails at the end of a turn, after the answer streamed. The client is
 * told store_unavailable; the answer was stored or not, and a retry of the same turn sorts it
 * out: it replays the stored answer, or answers again and stores it once. A real redis-server is
 * stopped, or paused for writes, while a paced answer is being written.
 */
class RedisTurnEndFaultTest {

    private static final String KEY_PREFIX = "quill:";

    @TempDir
    Path dir;

    private ServerFixture quill(RedisServer redis) throws Exception {
        return ServerFixture.start(dir, Map.of("store.redis", redis.uri(), "store.timeout_ms", "1000"),
                c -> RedisConversationStore.connect(c.redisUri(), c.idleExpiry(), c.keyPrefix(), c.storeTimeout()));
    }

    @Test
    void anAnswerThatCouldNotBeStoredIsAnsweredAgainOnRetryAndStoredOnce() throws Exception {
        try (RedisServer redis = RedisServer.persistent(); ServerFixture q = quill(redis);
             WsClient ws = WsClient.connect(q.vertx, q.port(), "/ws", null)) {
            ws.send(chat("c1", null, null, "opening", 3));
            String conversation = answer(ws, "c1").start().getString("conversation");

            WsAnswer failed;
            try (Pacer pacer = Pacer.start(q, 20)) {
                ws.send(chat("c2", conversation, "end-fault", "a question", 120));
                ws.nextOf("start", "c2"); // the question is stored; the answer is being written
                redis.stop();
                failed = answer(ws, "c2");
            }
            assertThat(failed.code()).isEqualTo("store_unavailable");
            assertThat(failed.text()).as("the answer streamed before the store failed").isNotEmpty();

            redis.start();
            awaitStoreBack(q);
            long before = q.engine.metrics().snapshot().requestsFinished();
            ws.send(chat("c3", conversation, "end-fault", "a question", 120));
            WsAnswer retry = answer(ws, "c3");
            assertThat(retry.done()).isTrue();
            assertThat(q.engine.metrics().snapshot().requestsFinished()).as("answered again").isGreaterThan(before);
            assertThat(lines(history(ws, conversation)))
                    .containsExactly("user: opening", lines(history(ws, conversation)).get(1),
                            "user: a question", "assistant: " + retry.text());
        }
    }

    /**
     * The answer's write reaches Redis, but not in time: CLIENT PAUSE holds writes past the command
     * timeout, so the client hears store_unavailable, then Redis runs the write. The retry finds
     * the answer stored and replays it; nothing is generated or stored again.
     */
    @Test
    void anAnswerStoredAfterTheClientWasToldItFailedIsReplayedOnRetry() throws Exception {
        try (RedisServer redis = RedisServer.persistent(); ServerFixture q = quill(redis);
             WsClient ws = WsClient.connect(q.vertx, q.port(), "/ws", null)) {
            WsAnswer failed;
            String conversation;
            try (Pacer pacer = Pacer.start(q, 20)) {
                ws.send(chat("c1", null, "late-write", "a question", 20));
                conversation = ws.nextOf("start", "c1").getString("conversation");
                command(redis, "CLIENT PAUSE 4000 WRITE");
                failed = answer(ws, "c1");
            }
            assertThat(failed.code()).isEqualTo("store_unavailable");
            awaitListLength(redis, KEY_PREFIX + "conv:{" + conversation + "}", 2);

            long before = q.engine.metrics().snapshot().requestsFinished();
            ws.send(chat("c2", conversation, "late-write", "a question", 20));
            WsAnswer replay = answer(ws, "c2");
            assertThat(replay.done()).isTrue();
            assertThat(replay.text()).isEqualTo(failed.text());
            assertThat(q.engine.metrics().snapshot().requestsFinished()).as("replayed, not generated").isEqualTo(before);
            assertThat(lines(history(ws, conversation))).containsExactly("user: a question", "assistant: " + failed.text());
        }
    }

    /** Sends one command on a plain socket and returns Redis's first reply line. */
    private static String command(RedisServer redis, String line) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                reply.append((char) c);
            }
            assertThat(reply.toString().strip()).as(line).isEqualTo("+OK");
            return reply.toString();
        }
    }

    /** Polls LLEN (reads are not paused) until the list has {@code length} entries; bounded. */
    private static void awaitListLength(RedisServer redis, String key, long length) throws IOException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            long now = llen(redis, key);
            if (now == length) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(key + " has " + now + " entries, not " + length);
            }
            LockSupport.parkNanos(20_000_000L); // poll interval, bounded by the deadline
        }
    }

    private static long llen(RedisServer redis, String key) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
            socket.setSoTimeout(5_000);
            String cmd = "*2\r\n$4\r\nLLEN\r\n$" + key.length() + "\r\n" + key + "\r\n";
            socket.getOutputStream().write(cmd.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                reply.append((char) c);
            }
            return Long.parseLong(reply.toString().strip().substring(1)); // ":<n>"
        }
    }

    /** Lettuce reconnects in the background (at most a second apart): poll readiness with a deadline. */
    private static void awaitStoreBack(ServerFixture q) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (q.store.ping().toCompletionStage().toCompletableFuture().handle((v, e) -> e == null).join()) {
                return;
            }
            LockSupport.parkNanos(50_000_000L); // poll interval, not synchronisation
        }
        throw new AssertionError("the store did not come back within 30 s");
    }

}
