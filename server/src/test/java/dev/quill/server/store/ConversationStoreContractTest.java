package dev.quill.server.store;

import dev.quill.server.toolcall.ToolCall;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ConversationStore} promises, run against each implementation by a subclass.
 * Conversation ids are random, so tests may share one backing server.
 */
@ExtendWith(VertxExtension.class)
abstract class ConversationStoreContractTest implements ConversationOperationsContract {

    static final Duration LONG_EXPIRY = Duration.ofMinutes(10);

    private final List<ConversationStore> opened = new ArrayList<>();
    /** A store whose conversations outlive any test. */
    ConversationStore store;

    @Override
    public ConversationStore store() {
        return store;
    }

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
    void toolCallsAndToolResultsRoundTripExactly(VertxTestContext ctx) {
        String conv = newId();
        StoredMessage calls = new StoredMessage("m-" + newId(), "assistant", "", "stop", 1_700_000_000_124L, null, null,
                List.of(new ToolCall("call_a", "get_weather", "{\"city\": \"Zürich \\\" 🙂\"}"),
                        new ToolCall("call_b", "get_time", "{}")), null);
        StoredMessage result = new StoredMessage("m-" + newId(), "tool", "18 C", null, 1_700_000_000_125L, null, null, null, "call_a");
        store.append(conv, calls)
                .compose(v -> store.append(conv, result))
                .compose(v -> store.history(conv))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactly(calls, result);
                    assertThat(history.get(0).toolCalls()).hasSize(2);
                    assertThat(history.get(1).toolCallId()).isEqualTo("call_a");
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
        Checkpoint completions = ctx.checkpoint(5);
        String conv = newId();
        caller.runOnContext(start -> {
            store.ping().onComplete(ctx.succeeding(v -> onCaller(ctx, caller, completions)));
            store.append(conv, message("user", null))
                    .onComplete(ctx.succeeding(v -> onCaller(ctx, caller, completions)))
                    .compose(v -> store.history(conv))
                    .onComplete(ctx.succeeding(h -> onCaller(ctx, caller, completions)));
            String client = newId();
            store.remember(client, conv, "a title")
                    .onComplete(ctx.succeeding(v -> onCaller(ctx, caller, completions)))
                    .compose(v -> store.conversations(client))
                    .onComplete(ctx.succeeding(list -> onCaller(ctx, caller, completions)));
        });
    }

    @Test
    void aClientsConversationsAreListedMostRecentFirst(VertxTestContext ctx) {
        String client = newId();
        String a = newId();
        String b = newId();
        String c = newId();
        // all within one millisecond, as likely as not: the order must still be the order of the calls
        store.remember(client, a, "first")
                .compose(v -> store.remember(client, b, "second"))
                .compose(v -> store.remember(client, c, "third"))
                .compose(v -> store.conversations(client))
                .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
                    assertThat(list).extracting(ConversationSummary::id).containsExactly(c, b, a);
                    assertThat(list).extracting(ConversationSummary::title).containsExactly("third", "second", "first");
                    assertThat(list).extracting(ConversationSummary::updatedMillis).isSortedAccordingTo(Comparator.reverseOrder())
                            .doesNotHaveDuplicates();
                })))
                .compose(v -> store.remember(client, a, "a later message"))
                .compose(v -> store.conversations(client))
                .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
                    assertThat(list).extracting(ConversationSummary::id).containsExactly(a, c, b);
                    assertThat(list.get(0).title()).as("the title stays the first one").isEqualTo("first");
                    assertThat(list).hasSize(3);
                    ctx.completeNow();
                })));
    }

    @Test
    void theConversationsOfAnUnknownClientAreNone(VertxTestContext ctx) {
        store.conversations(newId()).onComplete(ctx.succeeding(list -> ctx.verify(() -> {
            assertThat(list).isEmpty();
            ctx.completeNow();
        })));
    }

    @Test
    void clientsHaveTheirOwnLists(VertxTestContext ctx) {
        String alice = newId();
        String bob = newId();
        String shared = newId();
        String own = newId();
        store.remember(alice, shared, "from alice")
                .compose(v -> store.remember(bob, shared, "from bob"))
                .compose(v -> store.remember(bob, own, "bob only"))
                .compose(v -> Future.all(store.conversations(alice), store.conversations(bob)))
                .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
                    List<ConversationSummary> a = both.resultAt(0);
                    List<ConversationSummary> b = both.resultAt(1);
                    assertThat(a).extracting(ConversationSummary::id).containsExactly(shared);
                    assertThat(a.get(0).title()).isEqualTo("from alice");
                    assertThat(b).extracting(ConversationSummary::id).containsExactly(own, shared);
                    assertThat(b.get(1).title()).isEqualTo("from bob");
                    ctx.completeNow();
                })));
    }

    @Test
    void aListKeepsOnlyTheMostRecentConversations(VertxTestContext ctx) {
        String client = newId();
        int over = 5;
        List<String> ids = IntStream.range(0, ConversationStore.CONVERSATIONS_PER_CLIENT + over).mapToObj(i -> newId()).toList();
        Future<Void> chain = Future.succeededFuture();
        for (String id : ids) {
            chain = chain.compose(v -> store.remember(client, id, "title " + id));
        }
        chain.compose(v -> store.conversations(client))
                .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
                    List<String> newestFirst = new ArrayList<>(ids.subList(over, ids.size()));
                    Collections.reverse(newestFirst);
                    assertThat(list).extracting(ConversationSummary::id).containsExactlyElementsOf(newestFirst);
                    assertThat(list).allSatisfy(s -> assertThat(s.title()).isEqualTo("title " + s.id()));
                    ctx.completeNow();
                })));
    }

    @Test
    void anIdleClientListExpires(Vertx vertx, VertxTestContext ctx) {
        Duration expiry = shortExpiry();
        ConversationStore shortLived = open(expiry);
        String client = newId();
        String conv = newId();
        shortLived.ping()
                .compose(v -> shortLived.remember(client, conv, "soon gone"))
                .compose(v -> shortLived.conversations(client))
                .onComplete(ctx.succeeding(before -> ctx.verify(() ->
                        assertThat(before).extracting(ConversationSummary::id).containsExactly(conv))))
                .compose(before -> {
                    elapse(expiry.plusMillis(1));
                    return awaitConversations(vertx, shortLived, client, System.nanoTime() + expiry.multipliedBy(10).toNanos());
                })
                .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
                    assertThat(after).as("the list after %s idle", expiry).isEmpty();
                    ctx.completeNow();
                })));
    }

    @Test
    void aConversationIsMadeOnlyWhenAskedAndKeepsItsOwner(VertxTestContext ctx) {
        String conv = ConversationStore.newConversationId();
        List<StoredMessage> turn = List.of(message("system", null), message("user", null));
        failureOf(store.append(conv, "k1", turn, false))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).isInstanceOf(ConversationNotFoundException.class))))
                .compose(e -> store.conversation(conv))
                .onComplete(ctx.succeeding(none -> ctx.verify(() -> assertThat(none).as("never made").isEmpty())))
                .compose(none -> store.create(conv, "k1"))
                .compose(v -> store.conversation(conv))
                .onComplete(ctx.succeeding(made -> ctx.verify(() ->
                        assertThat(made).contains(new StoredConversation("k1", List.of())))))
                .compose(made -> store.append(conv, "k1", turn, false))
                .compose(v -> store.conversation(conv))
                .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
                    assertThat(c).contains(new StoredConversation("k1", turn));
                    ctx.completeNow();
                })));
    }

    @Test
    void anotherOwnersConversationCanBeNeitherReadNorExtended(VertxTestContext ctx) {
        String conv = ConversationStore.newConversationId();
        StoredMessage mine = message("user", null);
        store.append(conv, "k1", List.of(mine), true)
                .compose(v -> failureOf(store.append(conv, "k2", List.of(message("assistant", "stop")), true)))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).isInstanceOf(ConversationNotFoundException.class))))
                .compose(e -> failureOf(store.history(conv, "k2")))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).isInstanceOf(ConversationNotFoundException.class))))
                .compose(e -> store.history(conv, "k1"))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactly(mine);
                    ctx.completeNow();
                })));
    }

    @Test
    void aTurnsMessagesAreStoredInOrderAndOnceWhenRetried(VertxTestContext ctx) {
        String conv = ConversationStore.newConversationId();
        List<StoredMessage> turn = List.of(message("system", null), message("user", null), message("tool", null));
        store.append(conv, ConversationStore.NO_OWNER, turn, true)
                .compose(v -> store.append(conv, ConversationStore.NO_OWNER, turn, false))
                .compose(v -> store.append(conv, ConversationStore.NO_OWNER, turn.subList(1, 2), true))
                .compose(v -> store.history(conv))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactlyElementsOf(turn);
                    ctx.completeNow();
                })));
    }

    @Test
    void idsOfTheWrongShapeAreNeverStored(VertxTestContext ctx) {
        List<String> bad = List.of("", "a{b}", "has space", "x".repeat(100_000), "conv:1");
        Future<Void> chain = Future.succeededFuture();
        for (String id : bad) {
            chain = chain.compose(v -> store.append(id, ConversationStore.NO_OWNER, List.of(message("user", null)), true)
                    .transform(ar -> {
                        ctx.verify(() -> assertThat(ar.cause()).as("append to '%.20s'", id)
                                .isInstanceOf(ConversationNotFoundException.class));
                        return store.conversation(id);
                    })
                    .map(c -> {
                        ctx.verify(() -> assertThat(c).as("conversation '%.20s'", id).isEmpty());
                        return null;
                    }));
        }
        chain.onComplete(ctx.succeedingThenComplete());
    }

    /** The failure of a call, or null if it succeeded: for chains that expect a refusal. */
    static Future<Throwable> failureOf(Future<?> call) {
        return call.transform(ar -> Future.succeededFuture(ar.failed() ? ar.cause() : null));
    }

    /** Polls a client's list until it is empty or the deadline has passed; returns the last list seen. */
    private static Future<List<ConversationSummary>> awaitConversations(Vertx vertx, ConversationStore s, String client,
                                                                        long deadlineNanos) {
        return s.conversations(client).compose(list -> list.isEmpty() || System.nanoTime() > deadlineNanos
                ? Future.succeededFuture(list)
                : vertx.timer(20).compose(v -> awaitConversations(vertx, s, client, deadlineNanos)));
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
