package dev.quill.model.engine;

import dev.quill.model.generate.FinishReason;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A listener that records one request's output for assertions (thread-safe handoff via futures). */
class Collector implements TokenListener {

    final List<Integer> tokens = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    final List<String> prefills = new java.util.concurrent.CopyOnWriteArrayList<>(); // "computed/prompt"
    final CompletableFuture<FinishReason> done = new CompletableFuture<>();
    final CountDownLatch firstTokens;
    volatile Usage usage;
    volatile EngineError error;

    Collector() {
        this(1);
    }

    Collector(int tokensToSignal) {
        firstTokens = new CountDownLatch(tokensToSignal);
    }

    @Override
    public synchronized void onToken(String piece, int tokenId) {
        if (tokenId >= 0) {
            tokens.add(tokenId);
        }
        text.append(piece);
        firstTokens.countDown();
    }

    @Override
    public void onPrefill(int computed, int promptTokens) {
        prefills.add(computed + "/" + promptTokens);
    }

    @Override
    public void onDone(FinishReason reason, Usage u) {
        usage = u;
        done.complete(reason);
    }

    @Override
    public void onError(EngineError e) {
        error = e;
        done.completeExceptionally(e);
    }

    FinishReason await() throws Exception {
        return done.get(60, TimeUnit.SECONDS);
    }

    synchronized int[] tokenArray() {
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }
}
