package dev.quill.server.store;

import io.vertx.core.Future;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The embedded default: conversations in this process's memory, lost on restart, expired after
 * the same idle time as in Redis. Thread-safe; nothing here blocks.
 *
 * <p>Expired entries are dropped when read and, so that conversations nobody opens again do not
 * stay for the life of the process, by a sweep of the whole store that a write runs at most once
 * a minute (or once per idle expiry, if shorter).
 */
public final class MemoryConversationStore implements ConversationStore {

    /** Messages are guarded by the list's own monitor. */
    private record Conversation(String owner, List<StoredMessage> messages, long lastUsedMillis, String title,
                                String active) {
    }

    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final Map<String, ClientList> clients = new ConcurrentHashMap<>();
    private final Duration idleExpiry;
    private final Clock clock;
    private final long sweepEveryMillis;
    private final AtomicLong lastSweepMillis;

    public MemoryConversationStore(Duration idleExpiry, Clock clock) {
        this.idleExpiry = idleExpiry;
        this.clock = clock;
        this.sweepEveryMillis = Math.max(1, Math.min(idleExpiry.toMillis(), Duration.ofMinutes(1).toMillis()));
        this.lastSweepMillis = new AtomicLong(clock.millis());
    }

    @Override
    public Future<List<StoredMessage>> history(String conversationId) {
        Conversation c = ConversationStore.wellFormedId(conversationId) ? conversations.get(conversationId) : null;
        if (c == null || expired(c)) {
            if (c != null) {
                conversations.remove(conversationId, c);
            }
            return Future.succeededFuture(List.of());
        }
        synchronized (c.messages()) {
            return Future.succeededFuture(List.copyOf(c.messages()));
        }
    }

    @Override
    public Future<Optional<StoredConversation>> conversation(String conversationId) {
        Conversation c = ConversationStore.wellFormedId(conversationId) ? conversations.get(conversationId) : null;
        if (c == null || expired(c)) {
            return Future.succeededFuture(Optional.empty());
        }
        synchronized (c.messages()) {
            return Future.succeededFuture(Optional.of(new StoredConversation(c.owner(), c.messages(), c.title(), c.active())));
        }
    }

    @Override
    public Future<Void> append(String conversationId, String owner, List<StoredMessage> messages, boolean create) {
        if (!ConversationStore.wellFormedId(conversationId)) {
            return Future.failedFuture(new ConversationNotFoundException(conversationId));
        }
        long now = clock.millis();
        boolean[] refused = {false};
        conversations.compute(conversationId, (id, c) -> {
            boolean live = c != null && !expired(c);
            if (live ? !c.owner().equals(owner) : !create) {
                refused[0] = true;
                return live ? c : null;
            }
            List<StoredMessage> list = live ? c.messages() : new ArrayList<>();
            boolean added = false;
            synchronized (list) {
                for (StoredMessage m : messages) {
                    if (list.stream().noneMatch(old -> old.id().equals(m.id()))) {
                        list.add(m);
                        added = true;
                    }
                }
            }
            // what was just stored is the branch read now, as in Redis (an absent active leaf: the last message)
            return live ? new Conversation(c.owner(), list, now, c.title(), added ? null : c.active())
                    : new Conversation(owner, list, now, null, null);
        });
        sweepIfDue(now);
        return refused[0] ? Future.failedFuture(new ConversationNotFoundException(conversationId)) : Future.succeededFuture();
    }

    @Override
    public Future<Void> delete(String conversationId, String owner) {
        boolean[] found = {false};
        if (ConversationStore.wellFormedId(conversationId)) {
            conversations.computeIfPresent(conversationId, (id, c) -> {
                found[0] = !expired(c) && c.owner().equals(owner);
                return found[0] || expired(c) ? null : c;
            });
        }
        return found[0] ? Future.succeededFuture() : Future.failedFuture(new ConversationNotFoundException(conversationId));
    }

    @Override
    public Future<Void> rename(String conversationId, String owner, String title) {
        return update(conversationId, owner, c -> new Conversation(c.owner(), c.messages(), c.lastUsedMillis(), title, c.active()))
                .map(c -> null);
    }

    @Override
    public Future<Boolean> activate(String conversationId, String owner, String leafId) {
        return update(conversationId, owner, c -> {
            synchronized (c.messages()) {
                return c.messages().stream().anyMatch(m -> m.id().equals(leafId))
                        ? new Conversation(c.owner(), c.messages(), c.lastUsedMillis(), c.title(), leafId) : c;
            }
        }).map(c -> leafId.equals(c.active()));
    }

    /** Replaces the caller's own live conversation atomically; not_found for another's, an expired or a missing one. */
    private Future<Conversation> update(String conversationId, String owner, UnaryOperator<Conversation> change) {
        Conversation[] after = {null};
        if (ConversationStore.wellFormedId(conversationId)) {
            conversations.computeIfPresent(conversationId, (id, c) -> {
                if (expired(c) || !c.owner().equals(owner)) {
                    return c;
                }
                after[0] = change.apply(c);
                return after[0];
            });
        }
        return after[0] != null ? Future.succeededFuture(after[0])
                : Future.failedFuture(new ConversationNotFoundException(conversationId));
    }

    @Override
    public Future<Void> forget(String clientId, String conversationId) {
        clients.computeIfPresent(clientId, (id, l) -> l.forget(conversationId) ? null : l);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> retitle(String clientId, String conversationId, String title) {
        ClientList list = clients.get(clientId);
        if (list != null) {
            list.retitle(conversationId, title);
        }
        return Future.succeededFuture();
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
        long now = clock.millis();
        clients.compute(clientId, (id, list) -> {
            ClientList l = list == null ? new ClientList() : list;
            if (!ifAbsent || !l.names(conversationId)) {
                l.remember(conversationId, title, now, now - idleExpiry.toMillis());
            }
            return l;
        });
        sweepIfDue(now);
        return Future.succeededFuture();
    }

    /** Conversations and client lists held, expired ones not yet swept included. */
    int size() {
        return conversations.size() + clients.size();
    }

    /** One writer at a time wins the due sweep; the others go on. Each removal is atomic per key. */
    private void sweepIfDue(long now) {
        long last = lastSweepMillis.get();
        if (now - last < sweepEveryMillis || !lastSweepMillis.compareAndSet(last, now)) {
            return;
        }
        long staleBefore = now - idleExpiry.toMillis();
        for (String id : conversations.keySet()) {
            conversations.computeIfPresent(id, (k, c) -> expired(c) ? null : c);
        }
        for (String id : clients.keySet()) {
            clients.computeIfPresent(id, (k, l) -> l.prune(staleBefore) ? null : l);
        }
    }

    @Override
    public Future<List<ConversationSummary>> conversations(String clientId) {
        ClientList list = clients.get(clientId);
        if (list == null) {
            return Future.succeededFuture(List.of());
        }
        List<ConversationSummary> live = list.newestFirst(clock.millis() - idleExpiry.toMillis());
        if (live.isEmpty()) {
            clients.remove(clientId, list); // expired as a whole; a concurrent remember may re-create it
        }
        return Future.succeededFuture(live);
    }

    @Override
    public Future<Void> ping() {
        return Future.succeededFuture();
    }

    private boolean expired(Conversation c) {
        return clock.millis() - c.lastUsedMillis() > idleExpiry.toMillis();
    }

    @Override
    public void close() {
        conversations.clear();
        clients.clear();
    }

    /** One client's conversations by id. Guarded by its own monitor. */
    private static final class ClientList {
        private final Map<String, ConversationSummary> byId = new HashMap<>();
        private long lastUpdated; // strictly increasing, so the newest is first even within one millisecond

        synchronized void remember(String conversationId, String title, long now, long staleBefore) {
            lastUpdated = Math.max(now, lastUpdated + 1);
            ConversationSummary old = byId.get(conversationId);
            byId.put(conversationId, new ConversationSummary(conversationId, old == null ? title : old.title(), lastUpdated));
            byId.values().removeIf(s -> s.updatedMillis() < staleBefore);
            while (byId.size() > CONVERSATIONS_PER_CLIENT) {
                byId.values().stream().min(Comparator.comparingLong(ConversationSummary::updatedMillis))
                        .ifPresent(oldest -> byId.remove(oldest.id()));
            }
        }

        synchronized boolean names(String conversationId) {
            return byId.containsKey(conversationId);
        }

        /** Drops one entry; true when none is left. */
        synchronized boolean forget(String conversationId) {
            byId.remove(conversationId);
            return byId.isEmpty();
        }

        synchronized void retitle(String conversationId, String title) {
            byId.computeIfPresent(conversationId, (id, s) -> new ConversationSummary(id, title, s.updatedMillis()));
        }

        /** Drops the stale entries; true when none is left. */
        synchronized boolean prune(long staleBefore) {
            byId.values().removeIf(s -> s.updatedMillis() < staleBefore);
            return byId.isEmpty();
        }

        synchronized List<ConversationSummary> newestFirst(long staleBefore) {
            return byId.values().stream()
                    .filter(s -> s.updatedMillis() >= staleBefore)
                    .sorted(Comparator.comparingLong(ConversationSummary::updatedMillis).reversed())
                    .limit(CONVERSATIONS_PER_CLIENT)
                    .toList();
        }
    }
}
