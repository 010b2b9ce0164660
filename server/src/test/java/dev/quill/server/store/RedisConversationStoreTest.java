package dev.quill.server.store;

import dev.quill.server.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.Future;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract against a real redis-server, plus what only Redis can get wrong: replayed and
 * concurrent appends, the key layout and the expiry on both keys. The test inspects Redis through
 * its own blocking Lettuce connection, used only from the JUnit thread.
 */
class RedisConversationStoreTest extends ConversationStoreContractTest {

    private static final String PREFIX = "quill-test:";

    private static RedisServer server;
    private static RedisClient inspectorClient;
    private static StatefulRedisConnection<String, String> inspectorConnection;
    private static RedisCommands<String, String> redis;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.ephemeral();
        inspectorClient = RedisClient.create(server.uri());
        inspectorConnection = inspectorClient.connect();
        redis = inspectorConnection.sync();
    }

    @AfterAll
    static void stopRedis() {
        if (inspectorClient != null) {
            inspectorConnection.close();
            inspectorClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    ConversationStore newStore(Duration idleExpiry) {
        return RedisConversationStore.connect(server.uri(), idleExpiry, PREFIX, Duration.ofSeconds(2));
    }

    private RedisConversationStore redisStore() {
        return (RedisConversationStore) store;
    }

    @Test
    void replayedAndConcurrentAppendsOfOneMessageStoreItOnce(VertxTestContext ctx) {
        String conv = newId();
        StoredMessage m = message("user", null);
        List<Future<Void>> appends = IntStream.range(0, 20).mapToObj(i -> store.append(conv, m)).toList();
        Future.all(appends)
                .compose(all -> store.append(conv, m)) // and once more, after the others landed
                .compose(v -> store.history(conv))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactly(m);
                    assertThat(redis.scard(redisStore().idsKey(conv))).isEqualTo(1);
                    ctx.completeNow();
                })));
    }

    /** One connection carries commands in the order they are sent, so concurrent appends stay in call order. */
    @Test
    void interleavedDuplicatesKeepTheOrderOfFirstAppearance(VertxTestContext ctx) {
        String conv = newId();
        List<StoredMessage> messages = IntStream.range(0, 5).mapToObj(i -> message(i % 2 == 0 ? "user" : "assistant", null)).toList();
        List<Future<Void>> appends = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < messages.size(); i++) {
                appends.add(store.append(conv, messages.get(i)));
                appends.add(store.append(conv, messages.get(Math.max(0, i - 1)))); // a replay of the one before
            }
        }
        Future.all(appends)
                .compose(all -> store.history(conv))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactlyElementsOf(messages);
                    ctx.completeNow();
                })));
    }

    @Test
    void keysAreHashTaggedUnderThePrefixAndBothExpire(VertxTestContext ctx) {
        String conv = newId();
        String list = PREFIX + "conv:{" + conv + "}";
        String ids = list + ":ids";
        store.append(conv, message("user", null)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
            assertThat(redisStore().listKey(conv)).isEqualTo(list);
            assertThat(redisStore().idsKey(conv)).isEqualTo(ids);
            assertThat(redis.type(list)).isEqualTo("list");
            assertThat(redis.type(ids)).isEqualTo("set");
            assertThat(redis.pttl(list)).isBetween(1L, LONG_EXPIRY.toMillis());
            assertThat(redis.pttl(ids)).isBetween(1L, LONG_EXPIRY.toMillis());
            ctx.completeNow();
        })));
    }

    @Test
    void anAppendRefreshesTheIdleExpiryOfBothKeys(VertxTestContext ctx) {
        String conv = newId();
        StoredMessage first = message("user", null);
        store.append(conv, first)
                .compose(v -> {
                    // As if the conversation had been idle until only one second is left.
                    redis.pexpire(redisStore().listKey(conv), 1_000);
                    redis.pexpire(redisStore().idsKey(conv), 1_000);
                    return store.append(conv, first); // even a duplicate counts as use
                })
                .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                    long floor = LONG_EXPIRY.minusMinutes(1).toMillis();
                    assertThat(redis.pttl(redisStore().listKey(conv))).isGreaterThan(floor);
                    assertThat(redis.pttl(redisStore().idsKey(conv))).isGreaterThan(floor);
                    ctx.completeNow();
                })));
    }

    @Test
    void aClientListIsAHashTaggedSortedSetWithATitleHashAndBothExpire(VertxTestContext ctx) {
        String client = newId();
        String conv = newId();
        String convs = PREFIX + "client:{" + client + "}:convs";
        String titles = PREFIX + "client:{" + client + "}:titles";
        store.remember(client, conv, "hello").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
            assertThat(redisStore().clientKey(client)).isEqualTo(convs);
            assertThat(redisStore().titlesKey(client)).isEqualTo(titles);
            assertThat(redis.type(convs)).isEqualTo("zset");
            assertThat(redis.type(titles)).isEqualTo("hash");
            assertThat(redis.zscore(convs, conv)).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000.0));
            assertThat(redis.hget(titles, conv)).isEqualTo("hello");
            assertThat(redis.pttl(convs)).isBetween(1L, LONG_EXPIRY.toMillis());
            assertThat(redis.pttl(titles)).isBetween(1L, LONG_EXPIRY.toMillis());
            ctx.completeNow();
        })));
    }

    /** Entries that outlived the idle expiry (the key itself kept alive by newer ones) are neither listed nor kept. */
    @Test
    void staleEntriesOfALiveListAreDroppedWithTheirTitles(VertxTestContext ctx) {
        String client = newId();
        String old = newId();
        String fresh = newId();
        store.remember(client, old, "old")
                .compose(v -> {
                    redis.zadd(redisStore().clientKey(client), System.currentTimeMillis() - LONG_EXPIRY.toMillis() - 1_000, old);
                    return store.conversations(client);
                })
                .onComplete(ctx.succeeding(list -> ctx.verify(() -> assertThat(list).isEmpty())))
                .compose(list -> store.remember(client, fresh, "fresh"))
                .compose(v -> store.conversations(client))
                .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
                    assertThat(list).extracting(ConversationSummary::id).containsExactly(fresh);
                    assertThat(redis.zcard(redisStore().clientKey(client))).isEqualTo(1);
                    assertThat(redis.hexists(redisStore().titlesKey(client), old)).isFalse();
                    ctx.completeNow();
                })));
    }

    /** Should the list go (expired a moment before its id set), the conversation restarts clean. */
    @Test
    void aStaleIdSetDoesNotSwallowMessagesOfARecreatedConversation(VertxTestContext ctx) {
        String conv = newId();
        StoredMessage m = message("user", null);
        store.append(conv, m)
                .compose(v -> {
                    redis.del(redisStore().listKey(conv));
                    return store.append(conv, m);
                })
                .compose(v -> store.history(conv))
                .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
                    assertThat(history).containsExactly(m);
                    ctx.completeNow();
                })));
    }

    @Test
    void theOwnerIsAHashInTheConversationsSlotAndExpiresWithIt(VertxTestContext ctx) {
        String conv = ConversationStore.newConversationId();
        String meta = PREFIX + "conv:{" + conv + "}:meta";
        store.append(conv, "k1", List.of(message("user", null)), true).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
            assertThat(redisStore().metaKey(conv)).isEqualTo(meta);
            assertThat(redis.hget(meta, "owner")).isEqualTo("k1");
            assertThat(redis.pttl(meta)).isBetween(1L, LONG_EXPIRY.toMillis());
            ctx.completeNow();
        })));
    }

    /** Stored before owners were recorded: it belongs to no key, so only a key-less server may use it. */
    @Test
    void aConversationWithoutAnOwnerBelongsToNoKey(VertxTestContext ctx) {
        String conv = ConversationStore.newConversationId();
        StoredMessage old = message("user", null);
        redis.rpush(redisStore().listKey(conv), StoredMessageJson.encode(old));
        store.conversation(conv)
                .onComplete(ctx.succeeding(c -> ctx.verify(() ->
                        assertThat(c).contains(new StoredConversation(ConversationStore.NO_OWNER, List.of(old))))))
                .compose(c -> store.append(conv, "k1", List.of(message("assistant", "stop")), true))
                .onComplete(ctx.failing(e -> ctx.verify(() -> {
                    assertThat(e).isInstanceOf(ConversationNotFoundException.class);
                    assertThat(redis.llen(redisStore().listKey(conv))).isEqualTo(1);
                    ctx.completeNow();
                })));
    }
}
