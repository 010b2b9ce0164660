package dev.quill.model.engine;

import static dev.quill.model.engine.EngineTest.greedy;
import static dev.quill.model.engine.EngineTest.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.generate.Generation;
import dev.quill.model.generate.Generator;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Poisoned sequences beside healthy ones, on the tiny real model: whatever one sequence brings
 * (its listener, its temperature, its logits, a forward pass that fails for its slot) ends that
 * sequence alone, and every healthy one produces exactly the tokens it produces alone.
 */
class EngineIsolationTest {

    private static final int HEALTHY = 3;
    private static final int HEALTHY_TOKENS = 40;

    @TempDir
    static Path dir;
    static LanguageModel model;
    static LanguageModel solo; // the plain one-sequence path every result is held against

    @BeforeAll
    static void load() throws Exception {
        TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 91);
        model = LanguageModel.load(dir, DecoderOptions.cpu(HEALTHY + 1, 0));
        solo = LanguageModel.load(dir, DecoderOptions.cpu(1, 0));
    }

    @AfterAll
    static void close() {
        model.close();
        solo.close();
    }

    private static Generation alone(int[] prompt, SamplingParams params) {
        return new Generator(solo.decoder(), solo.tokenizer(), solo.eosIds()).generate(prompt, params, s -> { });
    }

    private static Engine engine(ForwardPass pass) {
        return new Engine(model.decoder(), pass, model.tokenizer(), model.eosIds(), new EngineOptions(16, 64, false));
    }

    /** Healthy greedy requests, submitted now; {@link #assertHealthy} checks them. */
    private static List<Collector> submitHealthy(Engine engine) {
        List<Collector> outs = new ArrayList<>();
        for (int i = 0; i < HEALTHY; i++) {
            Collector c = new Collector();
            engine.submit(new GenerationRequest(prompt(200 + i, 5 + 4 * i), greedy(HEALTHY_TOKENS), c));
            outs.add(c);
        }
        return outs;
    }

    private static void assertHealthy(List<Collector> outs) throws Exception {
        for (int i = 0; i < outs.size(); i++) {
            assertThat(outs.get(i).await()).as("healthy request %d", i).isEqualTo(FinishReason.LENGTH);
            assertThat(outs.get(i).tokenArray()).as("healthy request %d", i)
                    .containsExactly(alone(prompt(200 + i, 5 + 4 * i), greedy(HEALTHY_TOKENS)).tokenIds());
        }
    }

    private static EngineError failure(Collector c) {
        assertThatThrownBy(c::await).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(EngineError.class);
        assertThat(c.error.code()).isEqualTo(EngineError.Code.INTERNAL);
        return c.error;
    }

    /** After a poisoned sequence: its freed slot serves a new request exactly as if alone. */
    private static void assertTheSlotServesAgain(Engine engine) throws Exception {
        int[] p = prompt(300, 9);
        Collector next = new Collector();
        engine.submit(new GenerationRequest(p, greedy(12), next));
        assertThat(next.await()).isEqualTo(FinishReason.LENGTH);
        assertThat(next.tokenArray()).containsExactly(alone(p, greedy(12)).tokenIds());
    }

    @Test
    void aListenerThatThrowsEndsOnlyItsOwnSequenceAndHearsWhy() throws Exception {
        try (Engine engine = engine(model.decoder()::forward)) {
            Collector onToken = new Collector() {
                @Override
                public synchronized void onToken(String piece, int tokenId) {
                    super.onToken(piece, tokenId);
                    if (tokens.size() == 3) {
                        throw new IllegalStateException("listener bug");
                    }
                }
            };
            engine.submit(new GenerationRequest(prompt(210, 6), greedy(50), onToken));
            List<Collector> healthy = submitHealthy(engine);
            assertThat(failure(onToken).getMessage()).contains("listener").contains("listener bug");
            assertThat(onToken.tokens).hasSize(3);
            assertTheSlotServesAgain(engine); // its slot was freed at once, while the others still run
            assertHealthy(healthy);
            assertThat(engine.metrics().snapshot().requestsFailed()).isEqualTo(1);
        }
    }

    @Test
    void listenersThatThrowFromEveryCallbackHurtNoOne() throws Exception {
        try (Engine engine = engine(model.decoder()::forward)) {
            List<Collector> healthy = submitHealthy(engine);
            for (int i = 0; i < 4; i++) {
                engine.submit(new GenerationRequest(prompt(220 + i, 4), greedy(3 + 5 * i), new TokenListener() {
                    @Override
                    public void onToken(String text, int tokenId) {
                        throw new AssertionError("onToken");
                    }

                    @Override
                    public void onDone(FinishReason reason, Usage usage) {
                        throw new IllegalStateException("onDone");
                    }

                    @Override
                    public void onError(EngineError error) {
                        throw new StackOverflowError("onError");
                    }
                }));
            }
            assertHealthy(healthy);
            assertTheSlotServesAgain(engine);
        }
    }

    @Test
    void temperaturesTooSmallToInvertDecodeGreedilyBesideTheOthers() throws Exception {
        try (Engine engine = engine(model.decoder()::forward)) {
            List<Collector> healthy = submitHealthy(engine);
            SamplingParams seeded = SamplingParams.builder().temperature(0.9).topK(50).seed(7L).maxTokens(30)
                    .ignoreEos(true).build();
            Collector random = new Collector();
            engine.submit(new GenerationRequest(prompt(230, 7), seeded, random));
            double[] tiny = {1e-320, 5e-324, Double.MIN_VALUE};
            List<Collector> cold = new ArrayList<>();
            for (int i = 0; i < tiny.length; i++) {
                Collector c = new Collector();
                engine.submit(new GenerationRequest(prompt(240 + i, 6),
                        greedy(25).toBuilder().temperature(tiny[i]).build(), c));
                cold.add(c);
            }
            assertHealthy(healthy);
            assertThat(random.await()).isEqualTo(FinishReason.LENGTH);
            assertThat(random.tokenArray()).containsExactly(alone(prompt(230, 7), seeded).tokenIds());
            for (int i = 0; i < tiny.length; i++) {
                assertThat(cold.get(i).await()).as("T=%s", tiny[i]).isEqualTo(FinishReason.LENGTH);
                assertThat(cold.get(i).tokenArray()).as("T=%s", tiny[i])
                        .containsExactly(alone(prompt(240 + i, 6), greedy(25)).tokenIds());
            }
        }
    }

    @Test
    void aDecodePassThatFailsForOneSlotIsRerunWithoutIt() throws Exception {
        int[] poisoned = prompt(250, 7);
        PoisonedPass pass = new PoisonedPass(model.decoder(),
                new PoisonedPass.Target(poisoned, poisoned.length + 2, PoisonedPass.Poison.THROW));
        try (Engine engine = engine(pass)) {
            List<Collector> healthy = submitHealthy(engine);
            Collector bad = new Collector();
            engine.submit(new GenerationRequest(poisoned, greedy(30), bad));
            assertThat(failure(bad).getMessage()).contains("model step failed").contains("poisoned pass");
            assertThat(bad.tokenArray()).containsExactly(alone(poisoned, greedy(3)).tokenIds());
            assertTheSlotServesAgain(engine);
            assertHealthy(healthy);
        }
        assertThat(pass.thrownPasses).as("the poisoned decode shared a pass with healthy ones, then was split off")
                .isGreaterThan(1);
    }

    @Test
    void aPromptPassThatFailsCostsOnlyItsOwnSequence() throws Exception {
        int[] poisoned = prompt(260, 11);
        PoisonedPass pass = new PoisonedPass(model.decoder(),
                new PoisonedPass.Target(poisoned, 0, PoisonedPass.Poison.THROW));
        try (Engine engine = engine(pass)) {
            List<Collector> healthy = submitHealthy(engine);
            Collector first = new Collector();
            engine.submit(new GenerationRequest(prompt(261, 5), greedy(5), first));
            Collector bad = new Collector();
            engine.submit(new GenerationRequest(poisoned, greedy(30), bad));
            failure(bad);
            assertThat(bad.tokens).isEmpty();
            assertThat(first.await()).isEqualTo(FinishReason.LENGTH);
            assertHealthy(healthy);
        }
    }

    @Test
    void nanLogitsForOneSequenceFailOnlyIt() throws Exception {
        int[] atPrompt = prompt(270, 6);
        int[] midway = prompt(271, 8);
        PoisonedPass pass = new PoisonedPass(model.decoder(),
                new PoisonedPass.Target(atPrompt, 0, PoisonedPass.Poison.NAN),
                new PoisonedPass.Target(midway, midway.length + 4, PoisonedPass.Poison.NAN));
        try (Engine engine = engine(pass)) {
            List<Collector> healthy = submitHealthy(engine);
            Collector first = new Collector();
            Collector second = new Collector();
            engine.submit(new GenerationRequest(atPrompt, greedy(30), first));
            engine.submit(new GenerationRequest(midway, SamplingParams.builder().seed(3L).maxTokens(30)
                    .ignoreEos(true).build(), second));
            assertThat(failure(first).getMessage()).contains("sample").contains("NaN");
            assertThat(failure(second).getMessage()).contains("NaN");
            assertThat(second.tokens).hasSize(5);
            assertHealthy(healthy);
            assertTheSlotServesAgain(engine);
        }
    }
}
