package dev.quill.model.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.quill.model.LanguageModel;
import dev.quill.model.engine.Engine;
import dev.quill.model.engine.EngineError;
import dev.quill.model.engine.EngineOptions;
import dev.quill.model.engine.GenerationRequest;
import dev.quill.model.engine.TokenListener;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Forward passes leave no NDArray behind, and the engine's live-arrays gauge would show one that did. */
class NativeMemoryTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"GPT2", "QWEN2"})
    void passesLeaveTheLiveArrayCountAtItsBaseline(Family family) throws Exception {
        TinyModelFixture.write(dir, family, Dtype.BF16, false, 71);
        try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(3, 0))) {
            long baseline = decoder.liveArrays();
            long baselineWithManagers = resourcesAndManagers(decoder.manager());
            for (int i = 0; i < 200; i++) {
                decoder.forward(List.of(new SequenceChunk(i % 3, 0, new int[] {1, 2, 3, i % 50}),
                        new SequenceChunk((i + 1) % 3, 0, new int[] {7})));
            }
            assertThat(decoder.liveArrays()).isEqualTo(baseline);
            assertThat(resourcesAndManagers(decoder.manager())).isEqualTo(baselineWithManagers);
            assertThat(baseline).isGreaterThan(10); // it does count the weights
        }
    }

    @Test
    void theEngineGaugeShowsALeakedArrayOnceItGoesIdle() throws Exception {
        TinyModelFixture.write(dir, Family.GPT2, Dtype.F32, false, 5);
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(2, 0));
             Engine engine = new Engine(m.decoder(), m.tokenizer(), m.eosIds(), new EngineOptions(8, 64, true))) {
            long baseline = m.decoder().liveArrays();
            assertThat(engine.metrics().snapshot().nativeArraysLive()).isEqualTo(baseline); // counted at start
            try (NDArray leaked = m.decoder().manager().zeros(new Shape(2))) {
                generate(engine); // the engine recounts before it parks again
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (engine.metrics().snapshot().nativeArraysLive() != baseline + 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10); // polls for the engine thread's next count
                }
                assertThat(engine.metrics().snapshot().nativeArraysLive()).isEqualTo(baseline + 1);
            }
        }
    }

    private static void generate(Engine engine) throws Exception {
        CompletableFuture<FinishReason> done = new CompletableFuture<>();
        engine.submit(new GenerationRequest(new int[] {1, 2, 3},
                SamplingParams.builder().maxTokens(2).ignoreEos(true).build(), new TokenListener() {
                    @Override
                    public void onToken(String text, int tokenId) {
                    }

                    @Override
                    public void onDone(FinishReason reason, Usage usage) {
                        done.complete(reason);
                    }

                    @Override
                    public void onError(EngineError error) {
                        done.completeExceptionally(error);
                    }
                }));
        done.get(60, TimeUnit.SECONDS);
    }

    /**
     * Arrays and sub-managers under {@code m}, recursively, read from DJL's protected map: stricter
     * than {@link Decoder#liveArrays}, since it also sees an empty sub-manager nobody closed.
     */
    static long resourcesAndManagers(NDManager m) throws ReflectiveOperationException {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        Map<?, ?> resources = (Map<?, ?>) f.get(m);
        long n = resources.size();
        for (Object r : resources.values()) {
            if (r instanceof NDManager sub) {
                n += resourcesAndManagers(sub);
            }
        }
        return n;
    }
}
