package dev.quill.model.grammar;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A model's {@link TokenTrie}, built once on a background thread the first time a constrained
 * request arrives ({@link #start}), so that neither model loading nor the event loop waits for
 * it; the engine thread joins it when it first needs a mask. Thread-safe.
 */
public final class TokenTrieSource implements Supplier<TokenTrie> {
    private final Supplier<TokenTrie> build;
    private volatile CompletableFuture<TokenTrie> future;

    /** The trie of the tokenizer.json at {@code tokenizerJson}. */
    public TokenTrieSource(Path tokenizerJson) {
        this(() -> TokenTrie.of(TokenVocabulary.read(tokenizerJson)));
    }

    TokenTrieSource(Supplier<TokenTrie> build) {
        this.build = build;
    }

    /** Starts the build if it has not started; never blocks. */
    public void start() {
        if (future == null) {
            synchronized (this) {
                if (future == null) {
                    future = CompletableFuture.supplyAsync(build, r -> {
                        Thread t = new Thread(r, "quill-token-trie");
                        t.setDaemon(true);
                        t.start();
                    });
                }
            }
        }
    }

    /**
     * The trie, waiting for its build.
     *
     * @throws IllegalStateException when the build failed (an unsupported tokenizer)
     */
    @Override
    public TokenTrie get() {
        start();
        try {
            return future.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the token trie for constrained decoding could not be built: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }
}
