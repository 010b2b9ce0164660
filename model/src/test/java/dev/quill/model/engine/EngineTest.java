package dev.quill.model.engine;

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
import java.util.Random;

/** The engine on a tiny model: batching changes nothing, and every way a request can end. */
class EngineTest {

    @TempDir
    static Path dir;
    static LanguageModel solo;  // the plain one-sequence path the engine is checked against

    @BeforeAll
    static void load() throws Exception {
        TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 91);
        solo = LanguageModel.load(dir, DecoderOptions.cpu(1, 0));
    }

    @AfterAll
    static void close() {
        solo.close();
    }

    static int[] prompt(long seed, int n) {
        Random r = new Random(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextInt(400);
        }
        return p;
    }

    static SamplingParams greedy(int maxTokens) {
        return SamplingParams.builder().temperature(0).maxTokens(maxTokens).ignoreEos(true).build();
    }

    static Generation alone(int[] prompt, SamplingParams params) {
        return new Generator(solo.decoder(), solo.tokenizer(), solo.eosIds()).generate(prompt, params, s -> { });
    }

    private static Engine engine(LanguageModel m, EngineOptions options) {
        return new Engine(m.decoder(), m.tokenizer(), m.eosIds(), options);
    }

    @Test
    void concurrentRequestsProduceWhatEachProducesAlone() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(8, 0));
             Engine engine = engine(m, new EngineOptions(16, 24, false))) {
            List<int[]> prompts = new ArrayList<>();
            List<SamplingParams> params = new ArrayList<>();
            List<Collector> outs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                prompts.add(prompt(i, 3 + 9 * i));  // up to 48 tokens: prefilled in chunks of <= 24
                params.add(i % 2 == 0 ? greedy(10 + 7 * i)
                        : SamplingParams.builder().temperature(0.9).topK(50).seed(100L + i).maxTokens(20).ignoreEos(true).build());
                Collector c = new Collector();
                engine.submit(new GenerationRequest(prompts.get(i), params.get(i), c));
                outs.add(c);
            }
            for (int i = 0; i < 6; i++) {
                assertThat(outs.get(i).await()).isEqualTo(FinishReason.LENGTH);
                Generation expected = alone(prompts.get(i), params.get(i));
                assertThat(outs.get(i).tokenArray()).as("request %d", i).containsExactly(expected.tokenIds());
                assertThat(outs.get(i).text.toString()).isEqualTo(expected.text());
                assertThat(outs.get(i).usage.completionTokens()).isEqualTo(expected.tokenIds().length);
                assertThat(outs.get(i).usage.promptTokens()).isEqualTo(prompts.get(i).length);
            }
        }
    }

    @Test
    void requestsJoiningMidDecodeDoNotDisturbTheRunningOnes() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(4, 0));
             Engine engine = engine(m, EngineOptions.defaults())) {
            int[] first = prompt(50, 12);
            Collector a = new Collector(5);
            engine.submit(new GenerationRequest(first, greedy(60), a));
            a.firstTokens.await();  // A is decoding now
            int[] second = prompt(51, 30);
            Collector b = new Collector();
            engine.submit(new GenerationRequest(second, greedy(25), b));
            a.await();
            b.await();
            assertThat(a.tokenArray()).containsExactly(alone(first, greedy(60)).tokenIds());
            assertThat(b.tokenArray()).containsExactly(alone(second, greedy(25)).tokenIds());
        }
    }

    @Test
    void cancelFreesTheSlotWithinAStep() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(1, 0));
             Engine engine = engine(m, EngineOptions.defaults())) {
            Collector a = new Collector(3);
            RequestHandle handle = engine.submit(new GenerationRequest(prompt(60, 5), greedy(200), a));
            a.firstTokens.await();
            int seen = a.tokenArray().length;
            handle.cancel();
            assertThat(a.await()).isEqualTo(FinishReason.CANCELLED);
            assertThat(a.usage.completionTokens()).isLessThanOrEqualTo(seen + 1);
            Collector b = new Collector();  // the only slot is free again
            engine.submit(new GenerationRequest(prompt(61, 5), greedy(4), b));
            assertThat(b.await()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(1, 0));
             Engine engine = engine(m, new EngineOptions(1, 64, false))) {
            Collector a = new Collector();
            RequestHandle running = engine.submit(new GenerationRequest(prompt(70, 5), greedy(200), a));
            Collector b = new Collector();
            RequestHandle waiting = engine.submit(new GenerationRequest(prompt(71, 5), greedy(3), b));
            assertThatThrownBy(() -> engine.submit(new GenerationRequest(prompt(72, 5), greedy(3), new Collector())))
                    .isInstanceOf(EngineError.class)
                    .satisfies(e -> assertThat(((EngineError) e).code()).isEqualTo(EngineError.Code.OVERLOADED));
            running.cancel();
            assertThat(b.await()).isEqualTo(FinishReason.LENGTH);
            waiting.cancel(); // cancelling a finished request is harmless
        }
    }

    @Test
    void overLongAndEmptyRequestsAreRefusedWithClearErrors() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(1, 0));
             Engine engine = engine(m, EngineOptions.defaults())) {
            int max = engine.maxLength();
            assertThatThrownBy(() -> engine.submit(new GenerationRequest(prompt(80, max - 10), greedy(11), new Collector())))
                    .isInstanceOf(EngineError.class)
                    .hasMessageContaining("exceeds the context of " + max)
                    .satisfies(e -> assertThat(((EngineError) e).code()).isEqualTo(EngineError.Code.CONTEXT_LENGTH_EXCEEDED));
            assertThatThrownBy(() -> engine.submit(new GenerationRequest(prompt(81, 5), greedy(Integer.MAX_VALUE),
                    new Collector())))
                    .isInstanceOf(EngineError.class)
                    .satisfies(e -> assertThat(((EngineError) e).code()).isEqualTo(EngineError.Code.CONTEXT_LENGTH_EXCEEDED));
            assertThatThrownBy(() -> engine.submit(new GenerationRequest(new int[0], greedy(1), new Collector())))
                    .isInstanceOf(EngineError.class).hasMessageContaining("empty");
        }
    }

    @Test
    void aListenerThatThrowsDoesNotHurtTheWorkerOrOthers() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(2, 0));
             Engine engine = engine(m, EngineOptions.defaults())) {
            Collector bad = new Collector() {
                @Override
                public synchronized void onToken(String piece, int tokenId) {
                    super.onToken(piece, tokenId);
                    if (tokens.size() == 3) {
                        throw new IllegalStateException("listener bug");
                    }
                }
            };
            int[] p = prompt(90, 8);
            engine.submit(new GenerationRequest(prompt(89, 6), greedy(50), bad));
            Collector good = new Collector();
            engine.submit(new GenerationRequest(p, greedy(30), good));
            assertThat(good.await()).isEqualTo(FinishReason.LENGTH);
            assertThat(good.tokenArray()).containsExactly(alone(p, greedy(30)).tokenIds());
            Collector after = new Collector();
            engine.submit(new GenerationRequest(p, greedy(5), after));
            assertThat(after.await()).isEqualTo(FinishReason.LENGTH);
            assertThat(bad.tokens).hasSize(3); // detached after throwing
        }
    }

    @Test
    void aSecondTurnReusesTheFirstTurnsCacheAndPrefillsOnlyNewTokens() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(2, 0));
             Engine engine = engine(m, EngineOptions.defaults())) {
            int[] turn1 = prompt(100, 40);
            Collector first = new Collector();
            engine.submit(new GenerationRequest(turn1, greedy(12), first));
            first.await();
            int[] answer = first.tokenArray();
            int[] turn2 = concat(turn1, answer, prompt(101, 9));
            long computedBefore = engine.metrics().snapshot().promptTokensComputed();
            Collector second = new Collector();
            engine.submit(new GenerationRequest(turn2, greedy(15), second));
            second.await();
            int reused = turn1.length + answer.length - 1; // the last answer token was sampled, never fed
            assertThat(second.usage.cachedTokens()).isEqualTo(reused);
            assertThat(engine.metrics().snapshot().promptTokensComputed() - computedBefore)
                    .isEqualTo(turn2.length - reused);
            assertThat(engine.metrics().snapshot().prefixHits()).isEqualTo(1);
            assertThat(second.tokenArray()).containsExactly(alone(turn2, greedy(15)).tokenIds());
        }
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int i = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
