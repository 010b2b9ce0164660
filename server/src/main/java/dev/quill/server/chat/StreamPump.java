package dev.quill.server.chat;

import dev.quill.model.engine.EngineError;
import dev.quill.model.engine.TokenListener;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.TokenScores;
import io.vertx.core.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Carries one generation's tokens from the engine thread to the connection's context. Text
 * accumulates in a buffer and one task per burst drains it, so a slow reader gets merged deltas
 * instead of an unbounded queue of tasks or frames; while the sink's write queue is full,
 * nothing is written and the buffer simply grows by the text made meanwhile.
 *
 * <p>{@link #onToken}, {@link #onDone}, {@link #onError}: engine thread. Everything that touches
 * the sink: the connection's context.
 */
final class StreamPump implements TokenListener {

    private final Context context;
    private final ChatSink sink;
    private final BiConsumer<FinishReason, Usage> onFinished; // on the context, before the sink hears done
    private final StringBuilder pending = new StringBuilder();
    private final int[] promptIds;  // for the prompt's scores; null when the caller did not give them
    private List<TokenScores> pendingScores = new ArrayList<>(); // guarded by pending
    private final List<TokenScores> promptScores = new ArrayList<>(); // guarded by pending
    private boolean promptDelivered; // guarded by pending
    private boolean scheduled;      // guarded by pending
    private Runnable terminal;      // guarded by pending: done or error, delivered after the text
    private int[] prefill;          // guarded by pending: the latest {computed, prompt} not yet delivered
    private boolean texted;         // context only: text has gone out, so progress no longer matters
    private boolean waitingForDrain; // context only

    StreamPump(Context context, ChatSink sink, BiConsumer<FinishReason, Usage> onFinished) {
        this(context, sink, null, onFinished);
    }

    /** With the prompt's ids, so that the prompt's scores (when asked for) reach the sink. */
    StreamPump(Context context, ChatSink sink, int[] promptIds, BiConsumer<FinishReason, Usage> onFinished) {
        this.context = context;
        this.sink = sink;
        this.promptIds = promptIds;
        this.onFinished = onFinished;
    }

    @Override
    public void onToken(String text, int tokenId) {
        onToken(text, tokenId, null);
    }

    @Override
    public void onToken(String text, int tokenId, TokenScores scores) {
        if (text.isEmpty() && scores == null) {
            return;
        }
        synchronized (pending) {
            pending.append(text);
            if (scores != null) {
                pendingScores.add(scores);
            }
            scheduleLocked();
        }
    }

    @Override
    public void onPrefill(int computed, int promptTokens) {
        synchronized (pending) {
            prefill = new int[] {computed, promptTokens};
            scheduleLocked();
        }
    }

    @Override
    public void onPromptScores(int first, List<TokenScores> scores) {
        synchronized (pending) {
            promptScores.addAll(scores); // whole before the first token, which schedules the drain
        }
    }

    @Override
    public void onDone(FinishReason reason, Usage usage) {
        finish(() -> onFinished.accept(reason, usage));
    }

    @Override
    public void onError(EngineError error) {
        finish(() -> sink.onError(ChatErrors.of(error)));
    }

    private void finish(Runnable last) {
        synchronized (pending) {
            terminal = last;
            scheduleLocked();
        }
    }

    private void scheduleLocked() {
        if (!scheduled) {
            scheduled = true;
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        if (sink.writeQueueFull()) {
            synchronized (pending) {
                scheduled = false;
            }
            if (!waitingForDrain) {
                waitingForDrain = true;
                sink.onDrain(() -> {
                    waitingForDrain = false;
                    synchronized (pending) {
                        scheduleLocked();
                    }
                });
            }
            return;
        }
        String text;
        Runnable last;
        int[] progress;
        List<TokenScores> scores;
        List<TokenScores> prompt = null;
        synchronized (pending) {
            progress = prefill;
            prefill = null;
            text = pending.toString();
            pending.setLength(0);
            scores = pendingScores;
            if (!scores.isEmpty()) {
                pendingScores = new ArrayList<>();
            }
            // a progress-only drain comes before the prompt's scores are whole: they go with the first token
            boolean tokenOrEnd = !text.isEmpty() || !scores.isEmpty() || terminal != null;
            if (!promptDelivered && promptIds != null && tokenOrEnd) { // a one-token prompt has no scores, but its id still counts
                promptDelivered = true;
                prompt = List.copyOf(promptScores);
            }
            last = terminal;
            terminal = null;
            scheduled = false;
        }
        if (progress != null && text.isEmpty() && last == null && !texted) {
            sink.onPrefill(progress[0], progress[1]);
        }
        if (prompt != null) {
            sink.onPromptScores(promptIds, prompt);
        }
        if (!text.isEmpty()) {
            texted = true;
        }
        if (!scores.isEmpty()) {
            sink.onText(text, scores);
        } else if (!text.isEmpty()) {
            sink.onText(text);
        }
        if (last != null) {
            last.run();
        }
    }
}
