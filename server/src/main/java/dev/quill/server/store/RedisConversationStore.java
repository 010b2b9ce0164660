package dev.quill.server.store;

import dev.quill.server.toolcall.ToolMessages;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Conversations in Redis, through one shared Lettuce connection and its asynchronous API. Redis
 * may be one server, a master watched by Sentinel, or a Cluster ({@link RedisEndpoint}).
 *
 * <p>Layout, for prefix {@code quill:} and conversation {@code c1}: {@code quill:conv:{c1}} is a
 * list of messages as JSON, oldest first; {@code quill:conv:{c1}:ids} is the set of their ids;
 * {@code quill:conv:{c1}:meta} is a hash whose field {@code owner} names who made it (empty: no
 * API keys), {@code title} the title its owner gave it, and {@code active} the leaf of the branch
 * a switch chose (absent: the last message stored). The braces are a Redis Cluster hash tag: the keys land in one slot, so one script
 * may touch them all, and in a Cluster it runs on that slot's master. They carry the idle expiry, refreshed by every append. A list without a
 * meta hash was stored before owners were recorded and belongs to no key.
 *
 * <p>A client's conversation list, for client {@code k1}: {@code quill:client:{k1}:convs} is a
 * sorted set of conversation ids scored by update time (epoch ms, Redis's clock, so instances
 * with skewed clocks still agree on the order), and {@code quill:client:{k1}:titles} a hash of
 * their titles; hash-tagged, and expiring, the same way.
 *
 * <p>Threading: every method returns at once and never blocks; Lettuce does the I/O on its own
 * threads. Each future completes on the Vert.x context that called the method (captured at call
 * time), or on a Lettuce thread when called from outside any context. The class is thread-safe.
 *
 * <p>Failures: Lettuce reconnects by itself; while it is disconnected commands are rejected at
 * once rather than queued (on a Cluster they wait, up to the command timeout: see
 * {@link RedisEndpoint.Cluster}), and a command unanswered after {@link RedisStoreConfig#commandTimeout()}
 * fails, so callers see {@link StoreUnavailableException} quickly and the store works again when
 * Redis comes back. If Redis is down when Quill starts, the first connection is retried by the
 * next call after a failed attempt.
 *
 * <p>Appends are idempotent on the message id, checked inside one Lua script (atomic, and no
 * WATCH/MULTI, which a shared connection cannot isolate). A failed append may still have been
 * stored: Redis ran it and the reply was lost with the connection or the timeout. Callers retry
 * such appends, and Lettuce, under its default disconnected behaviour, would replay them itself;
 * either way the same id is stored once. (With {@code REJECT_COMMANDS}, Lettuce 7 fails in-flight
 * commands with "Connection disconnected" instead of replaying them.)
 */
public final class RedisConversationStore implements ConversationStore {

    /**
     * Upper bound of the reconnect back-off. Lettuce's default grows to 30 s, so a Redis that
     * returns after a long outage could stay unused for up to that long; one connection retrying
     * once a second costs nothing.
     */
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    private final RedisStoreConfig config;
    private final ClientResources resources;
    private final RedisEndpoint endpoint;
    private final Object sendOrder = new Object();
    /**
     * Completes with the one shared connection once every command so far has been sent on it.
     * Fails only when connecting failed; the next call then starts a new attempt. Once connected,
     * Lettuce keeps that connection alive itself (auto-reconnect). Guarded by {@link #sendOrder}.
     */
    private CompletableFuture<StatefulConnection<String, String>> lastSent;
    private volatile boolean closed;

    private RedisConversationStore(RedisStoreConfig config) {
        this.config = config;
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        try {
            this.endpoint = RedisEndpoint.of(config.uri(), resources, config.commandTimeout());
        } catch (RuntimeException e) {
            resources.shutdown(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /**
     * Creates the store and starts connecting; does not wait for the connection, so it never
     * blocks and succeeds even while Redis is down (calls then fail until it is up).
     *
     * @throws IllegalArgumentException if the URI cannot be parsed
     */
    public static RedisConversationStore connect(RedisStoreConfig config) {
        RedisConversationStore store = new RedisConversationStore(config);
        store.send(RedisClusterAsyncCommands::ping, new CompletableFuture<>()); // connect now, not on the first call
        return store;
    }

    /** {@link #connect(RedisStoreConfig)} with the parts spelled out. */
    public static RedisConversationStore connect(String redisUri, Duration idleExpiry, String keyPrefix,
                                                 Duration commandTimeout) {
        return connect(new RedisStoreConfig(redisUri, keyPrefix, idleExpiry, commandTimeout));
    }

    @Override
    public Future<List<StoredMessage>> history(String conversationId) {
        if (!ConversationStore.wellFormedId(conversationId)) {
            return Future.succeededFuture(List.of());
        }
        return run(redis -> redis.lrange(listKey(conversationId), 0, -1)
                .thenApply(entries -> entries.stream().map(StoredMessageJson::decode).toList()));
    }

    @Override
    public Future<Optional<StoredConversation>> conversation(String conversationId) {
        if (!ConversationStore.wellFormedId(conversationId)) {
            return Future.succeededFuture(Optional.empty()); // no such key can exist; Redis need not be asked
        }
        String[] keys = {listKey(conversationId), metaKey(conversationId)};
        return run(redis -> redis.<List<Object>>eval(RedisScripts.CONVERSATION_SCRIPT, ScriptOutputType.MULTI, keys)
                .thenApply(RedisConversationStore::conversationOf));
    }

    private static Optional<StoredConversation> conversationOf(List<Object> flat) {
        if (flat.isEmpty()) {
            return Optional.empty();
        }
        List<StoredMessage> messages = flat.subList(3, flat.size()).stream()
                .map(entry -> StoredMessageJson.decode((String) entry)).toList();
        return Optional.of(new StoredConversation((String) flat.get(0), messages, emptyAsNull(flat.get(1)),
                emptyAsNull(flat.get(2))));
    }

    private static String emptyAsNull(Object value) {
        return value == null || ((String) value).isEmpty() ? null : (String) value;
    }

    @Override
    public Future<Void> delete(String conversationId, String owner) {
        return ownersScript(conversationId, RedisScripts.DELETE_SCRIPT, owner).compose(done -> done == 1
                ? Future.succeededFuture() : Future.failedFuture(new ConversationNotFoundException(conversationId)));
    }

    @Override
    public Future<Void> rename(String conversationId, String owner, String title) {
        return ownersScript(conversationId, RedisScripts.SET_META_SCRIPT, owner, "title", title).compose(done -> done == 1
                ? Future.succeededFuture() : Future.failedFuture(new ConversationNotFoundException(conversationId)));
    }

    @Override
    public Future<Boolean> activate(String conversationId, String owner, String leafId) {
        return ownersScript(conversationId, RedisScripts.SET_META_SCRIPT, owner, "active", leafId).compose(done -> done == 0
                ? Future.failedFuture(new ConversationNotFoundException(conversationId)) : Future.succeededFuture(done == 1));
    }

    /** A script over the conversation's three keys whose first argument is the caller's identity. */
    private Future<Long> ownersScript(String conversationId, String script, String owner, String... more) {
        if (!ConversationStore.wellFormedId(conversationId)) {
            return Future.succeededFuture(0L);
        }
        String[] keys = {listKey(conversationId), idsKey(conversationId), metaKey(conversationId)};
        String[] args = new String[1 + more.length];
        args[0] = owner;
        System.arraycopy(more, 0, args, 1, more.length);
        return run(redis -> redis.<Long>eval(script, ScriptOutputType.INTEGER, keys, args));
    }

    @Override
    public Future<Void> forget(String clientId, String conversationId) {
        String[] keys = {clientKey(clientId), titlesKey(clientId)};
        return run(redis -> redis.<Long>eval(RedisScripts.FORGET_SCRIPT, ScriptOutputType.INTEGER, keys, conversationId)
                .thenApply(n -> null));
    }

    @Override
    public Future<Void> retitle(String clientId, String conversationId, String title) {
        String[] keys = {clientKey(clientId), titlesKey(clientId)};
        return run(redis -> redis.<Long>eval(RedisScripts.RETITLE_SCRIPT, ScriptOutputType.INTEGER, keys, conversationId, title)
                .thenApply(n -> null));
    }

    /**
     * Plain EVAL rather than EVALSHA: the script is a few hundred bytes, Redis caches its
     * compilation anyway, and EVALSHA's NOSCRIPT fallback (after a Redis restart) would send the
     * fallback after later appends, reordering a conversation's messages.
     */
    @Override
    public Future<Void> append(String conversationId, String owner, List<StoredMessage> messages, boolean create) {
        if (!ConversationStore.wellFormedId(conversationId)) {
            return Future.failedFuture(new ConversationNotFoundException(conversationId));
        }
        String[] keys = {listKey(conversationId), idsKey(conversationId), metaKey(conversationId)};
        List<String> args = new ArrayList<>(3 + 2 * messages.size());
        args.add(owner);
        args.add(create ? "1" : "0");
        args.add(Long.toString(config.idleExpiry().toMillis()));
        for (StoredMessage m : messages) {
            args.add(m.id());
            args.add(StoredMessageJson.encode(m));
        }
        return run(redis -> redis.<Long>eval(RedisScripts.APPEND_SCRIPT, ScriptOutputType.INTEGER, keys, args.toArray(String[]::new)))
                .compose(added -> added < 0
                        ? Future.failedFuture(new ConversationNotFoundException(conversationId))
                        : Future.succeededFuture());
    }

    @Override
    public Future<Void> remember(String clientId, String conversationId, String title) {
        return remember(clientId, conversationId, title, false);
    }

    @Override
    public Future<Void> rememberIfAbsent(String clientId, String conversationId, String title) {
        return remember(clientId, conversationId, title, true);
    }

    private Future<Void> remember(String clientId, String conversationId, String title, boolean ifAbsent) {
        String[] keys = {clientKey(clientId), titlesKey(clientId)};
        return run(redis -> redis.<Long>eval(RedisScripts.REMEMBER_SCRIPT, ScriptOutputType.INTEGER, keys, conversationId, title,
                        Long.toString(config.idleExpiry().toMillis()), Integer.toString(CONVERSATIONS_PER_CLIENT),
                        ifAbsent ? "1" : "0")
                .thenApply(dropped -> null));
    }

    @Override
    public Future<List<ConversationSummary>> conversations(String clientId) {
        String[] keys = {clientKey(clientId), titlesKey(clientId)};
        return run(redis -> redis.<List<Object>>eval(RedisScripts.CONVERSATIONS_SCRIPT, ScriptOutputType.MULTI, keys,
                        Long.toString(config.idleExpiry().toMillis()), Integer.toString(CONVERSATIONS_PER_CLIENT))
                .thenApply(RedisConversationStore::summaries));
    }

    private static List<ConversationSummary> summaries(List<Object> flat) {
        List<ConversationSummary> out = new ArrayList<>(flat.size() / 3);
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            // a score is a double on the wire; ours are whole milliseconds
            out.add(new ConversationSummary((String) flat.get(i), (String) flat.get(i + 2),
                    (long) Double.parseDouble((String) flat.get(i + 1))));
        }
        return out;
    }

    @Override
    public Future<Void> ping() {
        return run(redis -> redis.ping().thenApply(pong -> null));
    }

    /** The key of a conversation's message list. */
    String listKey(String conversationId) {
        return config.keyPrefix() + "conv:{" + conversationId + "}";
    }

    /** The key of a conversation's set of message ids. */
    String idsKey(String conversationId) {
        return listKey(conversationId) + ":ids";
    }

    /** The key of a conversation's hash of facts about it: its owner. */
    String metaKey(String conversationId) {
        return listKey(conversationId) + ":meta";
    }

    /** The key of a client's sorted set of conversation ids, scored by update time. */
    String clientKey(String clientId) {
        return config.keyPrefix() + "client:{" + clientId + "}:convs";
    }

    /** The key of a client's hash of conversation titles. */
    String titlesKey(String clientId) {
        return config.keyPrefix() + "client:{" + clientId + "}:titles";
    }

    /**
     * Sends one command on the shared connection and hands its outcome back on the caller's
     * context, with Redis failures turned into {@link StoreUnavailableException}.
     */
    private <T> Future<T> run(Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
        Context caller = Vertx.currentContext();
        CompletableFuture<T> reply = new CompletableFuture<>();
        if (closed) {
            reply.completeExceptionally(new IllegalStateException("the conversation store is closed"));
        } else {
            send(command, reply);
        }
        return caller == null ? Future.fromCompletionStage(reply) : Future.fromCompletionStage(reply, caller);
    }

    /**
     * Sends the command once the connection exists, after every command of earlier calls: while
     * the first connection is being made, calls queue as a chain of stages, one link each, so they
     * go out in call order (a completing stage runs its own dependents last-registered first, so
     * hanging them all on the connection itself would reorder a conversation's appends). Once
     * connected, a link is already complete and the command goes out at once, on this thread.
     */
    private <T> void send(Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command,
                          CompletableFuture<T> reply) {
        synchronized (sendOrder) {
            if (lastSent == null || lastSent.isCompletedExceptionally()) {
                lastSent = endpoint.connect();
            }
            lastSent = lastSent.thenApply(connection -> {
                try {
                    command.apply(endpoint.commands(connection)).whenComplete((value, e) -> {
                        if (e != null && readOnly(e)) {
                            forget(connection);
                        }
                        complete(reply, value, e);
                    });
                } catch (RuntimeException e) {
                    complete(reply, null, e); // keep the chain whole: only a failed connection breaks it
                }
                return connection;
            });
            lastSent.whenComplete((connection, e) -> {
                if (e != null) {
                    complete(reply, null, e); // could not connect
                }
            });
        }
    }

    /**
     * A master demoted while this connection stayed open (Sentinel failed over while the old master
     * was only cut off, and it came back as a replica) answers writes with READONLY, and Lettuce
     * would keep the connection. Dropping it makes the next call connect again, which asks the
     * sentinels for the master anew. (A Cluster client follows the slot's new master by itself.)
     */
    private void forget(StatefulConnection<String, String> connection) {
        synchronized (sendOrder) {
            if (lastSent != null && lastSent.getNow(null) == connection) {
                lastSent = null;
            }
        }
        connection.closeAsync();
    }

    private static boolean readOnly(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof RedisException && String.valueOf(cause.getMessage()).startsWith("READONLY");
    }

    private static <T> void complete(CompletableFuture<T> reply, T value, Throwable e) {
        if (e == null) {
            reply.complete(value);
        } else {
            reply.completeExceptionally(translate(e));
        }
    }

    /** Anything Redis or the network throws means the store cannot serve this call now. */
    private static Throwable translate(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RedisException || cause instanceof IOException) {
            return new StoreUnavailableException("Redis is unavailable: " + cause.getMessage(), cause);
        }
        return cause;
    }

    /** Closes the connection and stops Lettuce's threads; blocks briefly, so call it at shutdown only. */
    @Override
    public void close() {
        closed = true;
        endpoint.shutdown(config.commandTimeout());
        long timeoutMillis = config.commandTimeout().toMillis();
        resources.shutdown(0, timeoutMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMillis);
    }
}
