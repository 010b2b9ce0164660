package dev.quill.server.testing;

import dev.quill.model.engine.EngineError;
import dev.quill.model.engine.GenerationRequest;
import dev.quill.model.engine.RequestHandle;
import dev.quill.model.engine.TokenListener;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the only slot of a server with no waiting room ({@code engine.slots=1},
 * {@code engine.max_waiting=0}), so its next chat is refused as overloaded however fast the model
 * is: a generation whose listener waits, on the engine thread, until the test lets it go.
 */
public final class HeldSlot implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final ServerFixture quill;
    private RequestHandle handle;

    private HeldSlot(ServerFixture quill) {
        this.quill = quill;
    }

    public static HeldSlot hold(ServerFixture quill) throws InterruptedException {
        HeldSlot held = new HeldSlot(quill);
        CountDownLatch running = new CountDownLatch(1);
        int[] prompt = quill.model.encodePrompt("Hello");
        held.handle = quill.engine.submit(new GenerationRequest(prompt, SamplingParams.builder().maxTokens(2).build(),
                new TokenListener() {
                    @Override
                    public void onToken(String text, int tokenId) {
                        running.countDown();
                        try {
                            held.release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }

                    @Override
                    public void onDone(FinishReason reason, Usage usage) {
                        running.countDown();
                        held.ended.countDown();
                    }

                    @Override
                    public void onError(EngineError error) {
                        running.countDown();
                        held.ended.countDown();
                    }
                }));
        if (!running.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the held generation did not start");
        }
        return held;
    }

    /** Lets the generation go and waits until it has left its slot. */
    @Override
    public void close() throws InterruptedException {
        release.countDown();
        handle.cancel();
        if (!ended.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the held generation did not end");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (quill.engine.metrics().snapshot().running() > 0) { // the slot frees just after onDone
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the held slot was not freed");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // poll interval, bounded by the deadline
        }
    }
}
