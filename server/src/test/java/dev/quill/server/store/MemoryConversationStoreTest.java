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
