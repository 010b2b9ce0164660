package dev.quill.server.chat;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.TokenScores;
import dev.quill.server.toolcall.ToolCall;

import java.util.ArrayList;
import java.util.List;

/**
 * Wraps a sink, keeps the whole answer's text and tool calls (what gets stored when it ends), and holds the
 * answer back until its turn is stored: the engine may make text before the client's messages
 * are in the store, and a client must not see an answer to a turn that then fails. While held,
 * the sink reads as full, so the {@link StreamPump} merges the text and waits. A turn that could
 * not be stored is dropped: its generation is cancelled and nothing more reaches the client.
 *
 * <p>Context-confined, like the sink it wraps.
 */
final class RecordingSink implements ChatSink {

    private final ChatSink inner;
    private final Runnable ended;
    private final StringBuilder text = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private final List<Runnable> waitingForOpen = new ArrayList<>();
    private boolean held = true;
    private boolean dropped;
    private boolean over;

    /** @param ended runs once when the answer is over, however it ended (dropped included) */
    RecordingSink(ChatSink inner, Runnable ended) {
        this.inner = inner;
        this.ended = ended;
    }

    String text() {
        return text.toString();
    }

    /** The tools the answer called, in order. */
    List<ToolCall> calls() {
        return calls;
    }

    /** The turn is stored: the client hears that it started, then the text made meanwhile. */
    void open(String conversationId, int promptTokens, int omittedMessages) {
        held = false;
        inner.onStart(conversationId, promptTokens, omittedMessages);
        List<Runnable> resume = new ArrayList<>(waitingForOpen);
        waitingForOpen.clear();
        resume.forEach(Runnable::run);
    }

    /** The turn could not be stored; the caller tells the client why. */
    void drop() {
        dropped = true;
        waitingForOpen.clear();
        end();
    }

    boolean dropped() {
        return dropped;
    }

    @Override
    public void onStart(String conversationId, int promptTokens, int omittedMessages) {
        open(conversationId, promptTokens, omittedMessages);
    }

    @Override
    public void onPrefill(int computed, int promptTokens) {
        inner.onPrefill(computed, promptTokens);
    }

    @Override
    public void onText(String piece) {
        text.append(piece);
        inner.onText(piece);
    }

    @Override
    public void onText(String piece, List<TokenScores> scores) {
        text.append(piece);
        inner.onText(piece, scores);
    }

    @Override
    public void onPromptScores(int[] promptIds, List<TokenScores> scores) {
        inner.onPromptScores(promptIds, scores);
    }

    @Override
    public void onToolCall(int index, ToolCall call) {
        calls.add(call);
        inner.onToolCall(index, call);
    }

    @Override
    public void onDone(FinishReason reason, Usage usage) {
        if (!dropped) {
            end();
            inner.onDone(reason, usage);
        }
    }

    @Override
    public void onError(ApiError error) {
        if (!dropped) {
            end();
            inner.onError(error);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return held || dropped || inner.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        if (held) {
            waitingForOpen.add(resume);
        } else if (!dropped) {
            inner.onDrain(resume);
        }
    }

    private void end() {
        if (!over) {
            over = true;
            ended.run();
        }
    }
}
