package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Where turns went: follow-ups on their conversation's previous replica, counted from the replica each named. */
class ReplicaAffinityTest {

    private static RequestRecord turn(int conversation, int turn, String replica, boolean ok) {
        return new RequestRecord(conversation, conversation, turn, false,
                ok ? RequestRecord.Status.OK : RequestRecord.Status.FAILED, ok ? null : "connection_closed",
                0, 0, new long[0], 0, 1, 1, 0, replica);
    }

    @Test
    void countsFollowUpsOnThePreviousReplicaAndConversationsThatMoved() {
        JsonObject r = ReplicaAffinity.of(List.of(
                turn(0, 0, "a", true), turn(0, 1, "a", true), turn(0, 2, "a", true),
                turn(1, 2, "b", true), turn(1, 0, "b", true), turn(1, 1, "b", false), // turn 1 died with b
                turn(1, 3, "c", true),
                turn(2, 0, "c", true)));
        assertThat(r.getJsonObject("turns_by_replica").getMap()).containsExactly(
                java.util.Map.entry("a", 3), java.util.Map.entry("b", 3), java.util.Map.entry("c", 2));
        assertThat(r.getInteger("follow_up_turns")).isEqualTo(4); // answered turns after each conversation's first
        assertThat(r.getInteger("same_replica_turns")).isEqualTo(3);
        assertThat(r.getDouble("affinity")).isEqualTo(0.75);
        assertThat(r.getInteger("moved_conversations")).isEqualTo(1);
    }

    @Test
    void aServerThatNamesNoReplicaHasNoAffinity() {
        assertThat(ReplicaAffinity.of(List.of(turn(0, 0, null, true)))).isNull();
    }
}
