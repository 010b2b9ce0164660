package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.List;

/** What a stored history must hold for each way a turn can end. */
class HistoryDiffTest {

    private static HistoryDiff.Stored user(String t) {
        return new HistoryDiff.Stored("user", t, null);
    }

    private static HistoryDiff.Stored answer(String t, String finish) {
        return new HistoryDiff.Stored("assistant", t, finish);
    }

    private static Transcript finishedThen(Transcript.Outcome last, boolean started, String received) {
        Transcript t = new Transcript();
        t.named("conv-1");
        Transcript.Turn ok = t.begin(null, "hi");
        ok.started = true;
        ok.received.append("hello");
        ok.outcome = Transcript.Outcome.OK;
        ok.finishReason = "length";
        Transcript.Turn end = t.begin(null, "more");
        end.started = started;
        end.received.append(received);
        end.outcome = last;
        return t;
    }

    @Test
    void aRefusedTurnMustLeaveNothingStored() {
        Transcript t = finishedThen(Transcript.Outcome.FAILED, false, "");
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length")))).isEmpty();
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length"), user("more"))))
                .containsExactly("message 2: extra user \"more\" (4 chars)");
    }

    @Test
    void aCutTurnMayHaveAnAnswerThatGoesOnPastWhatStreamed() {
        Transcript t = finishedThen(Transcript.Outcome.CUT, true, "par");
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length"), user("more"),
                answer("partial", "cancelled")))).isEmpty();
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length"), user("more")))).isEmpty();
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length")))).hasSize(1);
    }

    @Test
    void aFinishedAnswerMustMatchTextAndFinishReasonExactly() {
        Transcript t = finishedThen(Transcript.Outcome.FAILED, false, "");
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "stop"))))
                .containsExactly("message 1: expected assistant \"hello\" (5 chars) finish length, stored assistant \"hello\" (5 chars) finish stop");
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), user("hi"), answer("hello", "length")))).hasSize(1);
    }

    /** A replica killed under a conversation: its turn ends with the connection, and the next turns go on elsewhere. */
    @Test
    void aConversationGoesOnAfterTurnsWhoseConnectionWasLost() {
        Transcript t = finishedThen(Transcript.Outcome.PENDING, true, "pa");
        t.turns().get(1).fail("connection_closed");           // streaming when the replica died
        t.begin(null, "gone").fail("connection_closed");       // lost before its start frame arrived
        Transcript.Turn again = t.begin(null, "again");         // on another replica
        again.started = true;
        again.received.append("fine");
        again.outcome = Transcript.Outcome.OK;
        again.finishReason = "stop";
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length"), user("more"),
                user("gone"), user("again"), answer("fine", "stop")))).isEmpty();
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length"), user("more"),
                answer("partial", "cancelled"), user("again"), answer("fine", "stop")))).isEmpty();
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length"), user("more"),
                user("again"), answer("fine", "stop"), user("again"), answer("fine", "stop"))))
                .containsExactly("message 5: extra user \"again\" (5 chars) (a duplicate of message 3)",
                        "message 6: extra assistant \"fine\" (4 chars) finish stop (a duplicate of message 4)");
        assertThat(HistoryDiff.compare(t, List.of(user("hi"), answer("hello", "length"), user("again"),
                answer("fine", "stop")))).as("the turn that had started was stored").hasSize(1);
    }
}
