package dev.quill.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.RedisSentinels;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Issue 16: the Redis master dies (SIGKILL) in the middle of a conversation. While Sentinel
 * promotes the replica, the store's calls fail with {@link StoreUnavailableException} (what the
 * server reports as {@code store_unavailable}); a caller that retries a failed append with the
 * same message id (as a retried turn does) ends with every message stored exactly once, in order.
 */
class RedisSentinelFailoverTest {

    @Test
    void aConversationWrittenThroughAMasterFailoverLosesAndDuplicatesNothing() throws Exception {
        try (RedisSentinels redis = RedisSentinels.start();
             RedisConversationStore store = RedisConversationStore.connect(redis.uri(), Duration.ofMinutes(10),
                     "quill-test:", Duration.ofSeconds(1))) {
            String conv = ConversationStore.newConversationId();
            List<StoredMessage> sent = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                appendUntilStored(store, conv, message(sent, i), failures);
            }
            CompletableFuture<Void> failover = CompletableFuture.runAsync(redis::killMasterAndAwaitFailover);
            int i = 10;
            while (!failover.isDone()) {
                appendUntilStored(store, conv, message(sent, i++), failures);
            }
            failover.get(); // rethrows if the failover never came
            for (int end = i + 10; i < end; i++) {
                appendUntilStored(store, conv, message(sent, i), failures);
            }
            List<StoredMessage> history = store.history(conv).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(history).containsExactlyElementsOf(sent);
            assertThat(failures).as("calls refused while the master was gone").isNotEmpty()
                    .allSatisfy(e -> assertThat(e).isInstanceOf(StoreUnavailableException.class));
        }
    }

    private static StoredMessage message(List<StoredMessage> sent, int i) {
        StoredMessage m = new StoredMessage("m" + i, i % 2 == 0 ? "user" : "assistant", "message " + i,
                i % 2 == 0 ? null : "stop", 1_000L + i);
        sent.add(m);
        return m;
    }

    /** Appends, and on failure appends the same message again (after a pause) until Redis takes it. */
    private static void appendUntilStored(RedisConversationStore store, String conv, StoredMessage m, List<Throwable> failures)
            throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                store.append(conv, m).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                failures.add(e.getCause());
                Thread.sleep(50);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("an append neither succeeded nor failed within 5 s", e);
            }
        }
        throw new AssertionError("message " + m.id() + " was never stored; last failure: " + failures.get(failures.size() - 1));
    }
}
