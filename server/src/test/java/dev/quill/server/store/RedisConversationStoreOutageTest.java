package dev.quill.server.store;

import dev.quill.server.testing.RedisServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static dev.quill.server.store.ConversationStoreContractTest.message;
import static dev.quill.server.store.ConversationStoreContractTest.newId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis goes away under a connected store and comes back on the same port. The server persists
 * every write (append-only file, fsync always), so what was stored before the outage must still be
 * there, once. The test thread drives the steps and waits on each call, as an operator would.
 */
@ExtendWith(VertxExtension.class)
class RedisConversationStoreOutageTest {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** How long a failure may take: the command timeout plus room for a loaded machine. */
    private static final Duration FAIL_WITHIN = COMMAND_TIMEOUT.plusSeconds(2);
    /** Lettuce's reconnect back-off is capped at one second here; allow several attempts. */
    private static final Duration RECOVER_WITHIN = Duration.ofSeconds(20);

    private RedisServer server;
    private RedisConversationStore store;

    @BeforeEach
    void startRedis() {
        server = RedisServer.persistent();
    }

    @AfterEach
    void stopAll() {
        if (store != null) {
            store.close();
        }
        server.close();
    }

    private RedisConversationStore connect() {
        return RedisConversationStore.connect(server.uri(), Duration.ofMinutes(10), "quill:", COMMAND_TIMEOUT);
    }

    @Test
    void failsFastWhileRedisIsDownAndRecoversWithNothingLostOrDoubled(Vertx vertx) throws Exception {
        Context caller = vertx.getOrCreateContext();
        store = connect();
        String conv = newId();
        StoredMessage before = message("user", null);
        StoredMessage during = message("assistant", "stop");
        await(store.append(conv, before));

        server.stop();
        assertUnavailable(call(caller, () -> store.append(conv, during)), caller);
        assertUnavailable(call(caller, () -> store.history(conv)), caller);
        assertUnavailable(call(caller, store::ping), caller);

        server.start();
        awaitReachable();
        await(store.append(conv, during));  // the caller's retry of the failed append
        await(store.append(conv, before));  // a replay of one that had succeeded
        assertThat(await(store.history(conv))).containsExactly(before, during);
    }

    @Test
    void startsWhileRedisIsDownAndConnectsOnceItIsUp() throws Exception {
        server.stop();
        store = connect();
        String conv = newId();
        StoredMessage m = message("user", null);
        assertUnavailable(call(null, () -> store.append(conv, m)), null);

        server.start();
        awaitReachable();
        await(store.append(conv, m));
        assertThat(await(store.history(conv))).containsExactly(m);
    }

    /**
     * Appends in flight when Redis stops: some were stored, some failed, some Lettuce may replay
     * after reconnecting. The caller retries all of them; each must be stored exactly once.
     */
    @Test
    void appendsCaughtInAnOutageAreStoredExactlyOnceAfterRetries() throws Exception {
        store = connect();
        String conv = newId();
        await(store.ping());
        List<StoredMessage> messages = IntStream.range(0, 200).mapToObj(i -> message("user", null)).toList();
        List<Future<Void>> inFlight = messages.stream().map(m -> store.append(conv, m)).toList();
        server.stop();
        for (Future<Void> f : inFlight) {
            settle(f);
        }

        server.start();
        awaitReachable();
        List<Future<Void>> retries = new ArrayList<>();
        messages.forEach(m -> retries.add(store.append(conv, m)));
        await(Future.all(retries));
        assertThat(await(store.history(conv))).containsExactlyInAnyOrderElementsOf(messages);
    }

    private record Outcome(Throwable failure, Context completedOn, long nanos) {
    }

    /** Makes a call on {@code ctx} (or on this thread if null) and waits for its outcome. */
    private static CompletableFuture<Outcome> call(Context ctx, Supplier<Future<?>> call) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Runnable run = () -> {
            long start = System.nanoTime();
            call.get().onComplete(ar -> outcome.complete(
                    new Outcome(ar.cause(), Vertx.currentContext(), System.nanoTime() - start)));
        };
        if (ctx == null) {
            run.run();
        } else {
            ctx.runOnContext(v -> run.run());
        }
        return outcome;
    }

    private static void assertUnavailable(CompletableFuture<Outcome> pending, Context caller) throws Exception {
        Outcome outcome = pending.get(FAIL_WITHIN.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        assertThat(outcome.failure()).isInstanceOf(StoreUnavailableException.class);
        assertThat(Duration.ofNanos(outcome.nanos())).isLessThanOrEqualTo(FAIL_WITHIN);
        if (caller != null) {
            assertThat(outcome.completedOn()).isSameAs(caller);
        }
    }

    /** Polls ping until the store answers again (Lettuce reconnects on its own back-off). */
    private void awaitReachable() throws Exception {
        long deadline = System.nanoTime() + RECOVER_WITHIN.toNanos();
        while (true) {
            Outcome outcome = call(null, store::ping).get(FAIL_WITHIN.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            if (outcome.failure() == null) {
                return;
            }
            assertThat(outcome.failure()).isInstanceOf(StoreUnavailableException.class);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("store not reachable " + RECOVER_WITHIN + " after Redis restarted",
                        outcome.failure());
            }
            Thread.sleep(50); // between polls; the loop is bounded by RECOVER_WITHIN
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(FAIL_WITHIN.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("store call failed", e.getCause());
        }
    }

    /** Waits until a future is done either way; a failure must be the store being unavailable. */
    private static void settle(Future<?> future) throws InterruptedException, TimeoutException {
        try {
            future.toCompletionStage().toCompletableFuture().get(FAIL_WITHIN.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
        }
    }
}
