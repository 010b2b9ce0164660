package dev.quill.server.testing;

import dev.quill.model.engine.EngineError;
import dev.quill.model.engine.GenerationRequest;
import dev.quill.model.engine.RequestHandle;
import dev.quill.model.engine.TokenListener;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;

/**
 * Paces the engine like a slower model: a background generation whose listener takes {@code
 * millis} per token on the engine thread, so no step is shorter, resubmitted whenever it ends. The
 * tiny model writes hundreds of tokens a second; paced, a test can act while an answer is being
 * written (stop Redis, pause it) with seconds to spare.
 */
public final class Pacer implements AutoCloseable {

    private final ServerFixture quill;
    private final long millis;
    private volatile boolean closed;
    private volatile RequestHandle handle;

    private Pacer(ServerFixture quill, long millis) {
        this.quill = quill;
        this.millis = millis;
    }

    public static Pacer start(ServerFixture quill, long millis) {
        Pacer pacer = new Pacer(quill, millis);
        pacer.submit();
        return pacer;
    }

    /** Called from the test thread, then from the engine thread when the last one ends. */
    private void submit() {
        if (closed) {
            return;
        }
        int[] prompt = quill.model.encodePrompt("Hello");
        SamplingParams params = SamplingParams.builder().maxTokens(quill.engine.maxLength() - prompt.length)
                .ignoreEos(true).build();
        handle = quill.engine.submit(new GenerationRequest(prompt, params, new TokenListener() {
            @Override
            public void onToken(String text, int tokenId) {
                try {
                    Thread.sleep(millis); // the pace itself, on the engine thread: not synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onDone(FinishReason reason, Usage usage) {
                submit();
            }

            @Override
            public void onError(EngineError error) {
                // shutting down; nothing to pace
            }
        }));
    }

    @Override
    public void close() {
        closed = true;
        handle.cancel();
    }
}
