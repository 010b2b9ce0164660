package dev.quill.server.loadtest;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the turns went, against several replicas behind a load balancer: each answered turn names
 * its replica ({@link RequestRecord#replica()}), and a conversation's next turn should land where
 * its previous one was answered, since that replica holds its KV prefix. Counts every request,
 * warm-up included: affinity is about routing, not about the measured window.
 *
 * <p>The result's keys: {@code turns_by_replica}; {@code follow_up_turns} (answered turns after a
 * conversation's first answered one); {@code same_replica_turns} (of those, on the replica of the
 * conversation's previous answered turn); {@code affinity} (their ratio, null without follow-ups);
 * {@code moved_conversations} (conversations that changed replica at least once).
 */
final class ReplicaAffinity {

    private ReplicaAffinity() {
    }

    /** Null when no request named its replica (a single server, or not Quill). */
    static JsonObject of(List<RequestRecord> records) {
        Map<Integer, List<RequestRecord>> byConversation = new TreeMap<>();
        Map<String, Integer> byReplica = new TreeMap<>();
        for (RequestRecord r : records) {
            if (r.replica() == null) {
                continue;
            }
            byReplica.merge(r.replica(), 1, Integer::sum);
            if (r.ok()) {
                byConversation.computeIfAbsent(r.conversation(), c -> new ArrayList<>()).add(r);
            }
        }
        if (byReplica.isEmpty()) {
            return null;
        }
        int followUps = 0;
        int same = 0;
        int moved = 0;
        for (List<RequestRecord> turns : byConversation.values()) {
            turns.sort(Comparator.comparingInt(RequestRecord::turn));
            boolean changed = false;
            for (int i = 1; i < turns.size(); i++) {
                followUps++;
                if (turns.get(i).replica().equals(turns.get(i - 1).replica())) {
                    same++;
                } else {
                    changed = true;
                }
            }
            moved += changed ? 1 : 0;
        }
        return new JsonObject()
                .put("turns_by_replica", new JsonObject(new LinkedHashMap<>(byReplica)))
                .put("follow_up_turns", followUps)
                .put("same_replica_turns", same)
                .put("affinity", followUps == 0 ? null : (double) same / followUps)
                .put("moved_conversations", moved);
    }
}
