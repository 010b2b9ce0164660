package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.MemoryConversationStore;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * {@code loadtest --verify-history} against a real Quill: an honest server passes, and a server
 * whose store changes what it keeps (an answer altered, a message stored twice) is caught. The
 * store is the fixture's in-memory one behind a proxy that can tamper with appends; a proxy, so
 * that methods added to {@link ConversationStore} later still reach the real store.
 */
class LoadTestHistoryTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;

    /** What the store does to the n-th append (from 1) of a message; null: store it as it is. */
    static volatile BiFunction<Integer, StoredMessage, StoredMessage[]> tamper;
    static final AtomicInteger appends = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of(), c -> tampering(new MemoryConversationStore(c.idleExpiry(), Clock.systemUTC())));
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    @AfterEach
    void honestAgain() {
        tamper = null;
        appends.set(0);
    }

    @Test
    void anHonestServerStoresExactlyWhatEachClientSentAndReceived() throws Exception {
        Run run = run(3, 2, 6);
        assertThat(run.code).as(run.stderr).isZero();
        JsonObject r = run.result;
        assertThat(r.getInteger("completed")).isEqualTo(6);
        // 3 sessions of 2-turn conversations sharing 6 requests: a quick session may start a new one
        int conversations = r.getInteger("history_checked");
        assertThat(conversations).isBetween(3, 6);
        assertThat(r.getInteger("history_mismatches")).isZero();
        assertThat(r.getInteger("history_unreadable")).isZero();
        assertThat(r.getJsonArray("history_differences")).isEmpty();
        assertThat(run.stdout).contains("Conversations verified:", "History mismatches:");
        assertThat(appends.get()).isEqualTo(conversations + 2 * 6); // a system each, user + answer per request
    }

    @Test
    void anAlteredAnswerIsCaught() throws Exception {
        tamper = (n, m) -> m.role().equals("assistant") && n == 5 // the second turn's answer
                ? new StoredMessage[] {new StoredMessage(m.id(), m.role(), m.content() + " [tampered]", m.finishReason(),
                        m.createdAtMillis())}
                : new StoredMessage[] {m};
        Run run = run(1, 2, 2);
        assertThat(run.code).as(run.stderr).isEqualTo(3);
        assertThat(run.result.getInteger("history_checked")).isEqualTo(1);
        assertThat(run.result.getInteger("history_mismatches")).isEqualTo(1);
        String difference = difference(run.result);
        assertThat(difference).startsWith("message 4: expected assistant").contains("[tampered]");
        assertThat(run.stdout).contains("[tampered]");
    }

    @Test
    void aMessageStoredTwiceIsCaught() throws Exception {
        // the second turn's message again, under a second id, and its answer after the copy: on the branch history reads
        tamper = (n, m) -> m.role().equals("user") && n == 4
                ? new StoredMessage[] {m, new StoredMessage(m.id() + "-again", m.role(), m.content(), null, m.createdAtMillis(),
                        m.id(), null, null, null)}
                : m.role().equals("assistant") && n == 5 ? new StoredMessage[] {m.withParent(m.parent() + "-again")}
                : new StoredMessage[] {m};
        Run run = run(1, 2, 2);
        assertThat(run.code).isEqualTo(3);
        assertThat(run.result.getInteger("history_mismatches")).isEqualTo(1);
        assertThat(difference(run.result)).startsWith("message 4: expected assistant").contains("stored user");
    }

    private static String difference(JsonObject result) {
        JsonArray d = result.getJsonArray("history_differences");
        assertThat(d).hasSize(1);
        return d.getJsonObject(0).getJsonArray("differences").getString(0);
    }

    private record Run(int code, JsonObject result, String stdout, String stderr) {
    }

    private static Run run(int sessions, int turns, int requests) throws Exception {
        Path out = dir.resolve("history-" + System.nanoTime() + ".json");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = LoadTestCommand.run(new String[] {
                "--url", "http://127.0.0.1:" + quill.port(), "--protocol", "ws", "--verify-history",
                "--system", "You answer briefly.",
                "--sessions", String.valueOf(sessions), "--turns", String.valueOf(turns), "--requests", String.valueOf(requests),
                "--duration", "30", "--grace", "10", "--no-metrics",
                "--prompt-tokens", "4..8", "--max-tokens", "3..5", "--seed", "5", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        return new Run(code, ReportFiles.json(out), stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    /** The store, with {@link #tamper} applied to each append (counted from 1 across the test). */
    private static ConversationStore tampering(ConversationStore real) {
        return (ConversationStore) Proxy.newProxyInstance(ConversationStore.class.getClassLoader(),
                new Class<?>[] {ConversationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("append") && args != null && args.length == 4
                            && args[2] instanceof List<?> messages) {
                        BiFunction<Integer, StoredMessage, StoredMessage[]> t = tamper;
                        List<StoredMessage> stored = new ArrayList<>();
                        for (Object o : messages) {
                            StoredMessage m = (StoredMessage) o;
                            int n = appends.incrementAndGet();
                            stored.addAll(t == null ? List.of(m) : List.of(t.apply(n, m)));
                        }
                        args[2] = stored;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
