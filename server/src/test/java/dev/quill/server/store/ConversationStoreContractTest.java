package dev.quill.server.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ConversationStore} promises, run against each implementation by a subclass.
 * Conversation ids are random, so tests may share one backing server.
 */
@ExtendWith(VertxExtension.class)
abstract class ConversationStoreContractTest {

    static final Duration LONG_EXPIRY = Duration.ofMinutes(10);

    private final List<ConversationStore> opened = new ArrayList<>();
    /** A store whose conversations outlive any test. */
    ConversationStore store;

    /** A fresh store over this implementation's backend. */
    abstract ConversationStore newStore(Duration idleExpiry);

    /** Makes {@code idle} pass for the store; real-time stores need do nothing but wait. */
    void elapse(Duration idle) {
    }

    /** Short enough for a test to wait out, long enough to see the conversation before it goes. */
    Duration shortExpiry() {
        return Duration.ofMillis(500);
    }

    @BeforeEach
    void openStore() {
        store = open(LONG_EXPIRY);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(ConversationStore::close);
    }

    ConversationStore open(Duration idleExpiry) {
        ConversationStore s = newStore(idleExpiry);
        opened.add(s);
        return s;
    }

    @Test
    void historyIsTheAppendedMessagesInOrder(VertxTestContext ctx) {
        String conv = newId();
        StoredMessage user = message("user", null);
        StoredMessage assistant = message("assistant", "stop");
        StoredMessage next = message("user", null);
        store.append(conv, user)
                .compose(v -> store.append(conv, assistant))
                .compose(v -> store.append(conv, next))
                .compose(v -> store.history(conv))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactly(user, assistant, next);
                    ctx.completeNow();
                })));
    }

    @Test
    void messagesRoundTripExactly(VertxTestContext ctx) {
        String conv = newId();
        StoredMessage odd = new StoredMessage("m-" + newId(), "assistant",
                "quotes \" \\ newline\n tab\t emoji 🙂 accents é 中文 and {\"json\": true}", "length", 1_700_000_000_123L);
        store.append(conv, odd)
                .compose(v -> store.history(conv))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactly(odd);
                    ctx.completeNow();
                })));
    }

    @Test
    void historyOfAnUnknownConversationIsEmpty(VertxTestContext ctx) {
        store.history(newId()).onComplete(ctx.succeeding(history -> ctx.verify(() -> {
            assertThat(history).isEmpty();
            ctx.completeNow();
        })));
    }

    @Test
    void appendingTheSameMessageIdTwiceStoresItOnce(VertxTestContext ctx) {
        String conv = newId();
        StoredMessage first = message("user", null);
        StoredMessage second = message("assistant", "stop");
        store.append(conv, first)
                .compose(v -> store.append(conv, first))
                .compose(v -> store.append(conv, second))
                .compose(v -> store.append(conv, first))
                .compose(v -> store.history(conv))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactly(first, second);
                    ctx.completeNow();
                })));
    }

    @Test
    void anIdleConversationExpires(Vertx vertx, VertxTestContext ctx) {
        Duration expiry = shortExpiry();
        ConversationStore shortLived = open(expiry);
        String conv = newId();
        StoredMessage m = message("user", null);
        shortLived.ping() // connected before the clock matters
                .compose(v -> shortLived.append(conv, m))
                .compose(v -> shortLived.history(conv))
                .onComplete(ctx.succeeding(before -> ctx.verify(() -> assertThat(before).containsExactly(m))))
                .compose(before -> {
                    elapse(expiry.plusMillis(1));
                    return awaitHistory(vertx, shortLived, conv, List::isEmpty, expiry.multipliedBy(10));
                })
                .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
                    assertThat(after).as("history after %s idle", expiry).isEmpty();
                    ctx.completeNow();
                })));
    }

    @Test
    void futuresCompleteOnTheCallersContext(Vertx vertx, VertxTestContext ctx) {
        Context caller = vertx.getOrCreateContext();
        Checkpoint completions = ctx.checkpoint(3);
        String conv = newId();
        caller.runOnContext(start -> {
            store.ping().onComplete(ctx.succeeding(v -> onCaller(ctx, caller, completions)));
            store.append(conv, message("user", null))
                    .onComplete(ctx.succeeding(v -> onCaller(ctx, caller, completions)))
                    .compose(v -> store.history(conv))
                    .onComplete(ctx.succeeding(h -> onCaller(ctx, caller, completions)));
        });
    }

    private static void onCaller(VertxTestContext ctx, Context caller, Checkpoint checkpoint) {
        ctx.verify(() -> assertThat(Vertx.currentContext()).isSameAs(caller));
        checkpoint.flag();
    }

    /** Polls history until {@code done} holds or {@code within} has passed; returns the last history seen. */
    static Future<List<StoredMessage>> awaitHistory(Vertx vertx, ConversationStore s, String conv,
                                                    Predicate<List<StoredMessage>> done, Duration within) {
        return poll(vertx, s, conv, done, System.nanoTime() + within.toNanos());
    }

    private static Future<List<StoredMessage>> poll(Vertx vertx, ConversationStore s, String conv,
                                                    Predicate<List<StoredMessage>> done, long deadlineNanos) {
        return s.history(conv).compose(h -> done.test(h) || System.nanoTime() > deadlineNanos
                ? Future.succeededFuture(h)
                : vertx.timer(20).compose(v -> poll(vertx, s, conv, done, deadlineNanos)));
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static StoredMessage message(String role, String finishReason) {
        String id = "m-" + newId();
        return new StoredMessage(id, role, "content of " + id, finishReason, System.currentTimeMillis());
    }
}
