package dev.quill.server.store;

import dev.quill.server.testing.TestClock;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract against the in-memory store, with time under the test's control. */
class MemoryConversationStoreTest extends ConversationStoreContractTest {

    private final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));

    @Override
    ConversationStore newStore(Duration idleExpiry) {
        return new MemoryConversationStore(idleExpiry, clock);
    }

    @Override
    void elapse(Duration idle) {
        clock.advance(idle);
    }

    @Test
    void conversationsNobodyOpensAgainAreSweptOnceExpired(VertxTestContext ctx) {
        Duration expiry = Duration.ofMinutes(30);
        MemoryConversationStore s = (MemoryConversationStore) open(expiry);
        String abandoned = newId();
        String kept = newId();
        s.append(abandoned, message("user", null))
                .compose(v -> s.remember("client-a", abandoned, "old"))
                .compose(v -> {
                    clock.advance(Duration.ofMinutes(29));
                    return s.append(kept, message("user", null)); // a sweep is due, but nothing has expired
                })
                .compose(v -> {
                    ctx.verify(() -> assertThat(s.size()).isEqualTo(3));
                    clock.advance(Duration.ofMinutes(2)); // the first two are 31 min idle; kept only 2
                    return s.append(kept, message("assistant", "stop"));
                })
                .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                    assertThat(s.size()).isEqualTo(1); // swept without anyone reading them
                    ctx.completeNow();
                })));
    }

    @Test
    void anAppendRefreshesTheIdleExpiry(VertxTestContext ctx) {
        Duration expiry = Duration.ofMinutes(30);
        ConversationStore s = open(expiry);
        String conv = newId();
        StoredMessage first = message("user", null);
        StoredMessage second = message("assistant", "stop");
        s.append(conv, first)
                .compose(v -> {
                    clock.advance(expiry.minusMinutes(1));
                    return s.append(conv, second);
                })
                .compose(v -> {
                    clock.advance(expiry.minusMinutes(1)); // idle 29 min since the last append, 58 since the first
                    return s.history(conv);
                })
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactly(first, second);
                    ctx.completeNow();
                })));
    }
}
