package dev.quill.model.engine;

import static dev.quill.model.engine.EngineTest.concat;
import static dev.quill.model.engine.EngineTest.greedy;
import static dev.quill.model.engine.EngineTest.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.decoder.KvCache;
import dev.quill.model.generate.FinishReason;
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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The engine on a paged KV pool: prefix blocks shared between running sequences, a cached prefix
 * evicted and computed again, a pool too small for a request, and the pool's accounting after
 * requests that finish, fail and are cancelled. Every output is checked against the plain
 * one-sequence path.
 */
class EnginePagedCacheTest {

    private static final int B = KvCache.BLOCK_SIZE;

    @TempDir
    static Path dir;
    static LanguageModel solo;

    @BeforeAll
    static void load() throws Exception {
        TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 92);
        solo = LanguageModel.load(dir, DecoderOptions.cpu(1, 0));
    }

    @AfterAll
    static void close() {
        solo.close();
    }

    static int[] alone(int[] prompt, SamplingParams params) {
        return new Generator(solo.decoder(), solo.tokenizer(), solo.eosIds()).generate(prompt, params, s -> { }).tokenIds();
    }

    private static Engine engine(LanguageModel m, EngineOptions options) {
        return new Engine(m.decoder(), m.tokenizer(), m.eosIds(), options);
    }

    /** B is submitted from A's first token, so it is admitted while A runs and reads A's full blocks. */
    @Test
    void aRunningSequencesFullBlocksAreSharedWithANewOneAndBothMatchRunsAlone() throws Exception {
        int[] a = prompt(1, 50);
        int[] b = concat(Arrays.copyOf(a, 3 * B), prompt(2, 10));
        try (LanguageModel m = LanguageModel.load(dir, new DecoderOptions("cpu", 4, 0, 64 * B));
             Engine engine = engine(m, new EngineOptions(8, 24, true))) {
            Collector outB = new Collector();
            CompletableFuture<Long> heldWithB = new CompletableFuture<>();
            Collector outA = new Collector() {
                @Override
                public synchronized void onToken(String piece, int tokenId) {
                    super.onToken(piece, tokenId);
                    if (tokens.size() == 1) {
                        engine.submit(new GenerationRequest(b, greedy(20), outB));
                    } else if (outB.tokens.size() == 1 && !heldWithB.isDone()) {
                        heldWithB.complete(engine.metrics().snapshot().kvBlocksHeld());
                    }
                }
            };
            engine.submit(new GenerationRequest(a, greedy(40), outA));
            assertThat(outA.await()).isEqualTo(FinishReason.LENGTH);
            assertThat(outB.await()).isEqualTo(FinishReason.LENGTH);
            assertThat(outB.usage.cachedTokens()).as("A's three full blocks").isEqualTo(3 * B);
            assertThat(heldWithB.get(1, TimeUnit.SECONDS)).as("shared blocks are held once")
                    .isEqualTo((long) KvCache.blocksFor(a.length + 2) + KvCache.blocksFor(b.length) - 3);
            assertThat(outA.tokenArray()).containsExactly(alone(a, greedy(40)));
            assertThat(outB.tokenArray()).containsExactly(alone(b, greedy(20)));
        }
    }

    /**
     * A pool of 12 blocks: X's turns leave 4 blocks cached; Y then needs 10, so 2 of X's are evicted,
     * its tail first: X's next turn finds only its first 2 blocks and computes the rest again,
     * correctly. Before the eviction the same next turn reuses all of X's first turn.
     */
    @Test
    void anEvictedPrefixIsComputedAgainAndMatchesARunAlone() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, new DecoderOptions("cpu", 2, 0, 12 * B));
             Engine engine = engine(m, new EngineOptions(8, 32, true))) {
            int[] x1 = prompt(3, 40);
            Collector first = new Collector();
            engine.submit(new GenerationRequest(x1, greedy(10), first));
            first.await();
            int[] x2 = concat(x1, first.tokenArray(), prompt(4, 7));
            Collector kept = new Collector();
            engine.submit(new GenerationRequest(x2, greedy(8), kept));
            kept.await();
            assertThat(kept.usage.cachedTokens()).as("nothing evicted yet").isEqualTo(x1.length + 10 - 1);
            assertThat(engine.metrics().snapshot().kvBlocksCached()).isEqualTo(KvCache.blocksFor(x2.length + 7));

            Collector y = new Collector();
            engine.submit(new GenerationRequest(prompt(5, 100), greedy(60), y));
            y.await();
            Collector again = new Collector();
            engine.submit(new GenerationRequest(x2, greedy(8), again));
            again.await();
            assertThat(again.usage.cachedTokens()).as("X's tail was evicted, its head kept").isEqualTo(2 * B);
            assertThat(engine.metrics().snapshot().kvBlocksCached()).isEqualTo(12);
            assertThat(again.tokenArray()).containsExactly(alone(x2, greedy(8))).containsExactly(kept.tokenArray());
            assertThat(y.tokenArray()).containsExactly(alone(prompt(5, 100), greedy(60)));
        }
    }

    @Test
    void aRequestThePoolCanNeverHoldIsRefusedAndABusyPoolMakesOthersWait() throws Exception {
        try (LanguageModel m = LanguageModel.load(dir, new DecoderOptions("cpu", 4, 0, 4 * B));
             Engine engine = engine(m, new EngineOptions(8, 64, false))) {
            assertThatThrownBy(() -> engine.submit(new GenerationRequest(prompt(6, 30), greedy(50), new Collector())))
                    .isInstanceOf(EngineError.class)
                    .hasMessageContaining("more than the whole cache holds (4)")
                    .satisfies(e -> assertThat(((EngineError) e).code()).isEqualTo(EngineError.Code.KV_CACHE_FULL));
            // Each needs 3 of the 4 blocks: the second waits for the first to finish, then runs.
            List<Collector> outs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Collector c = new Collector();
                engine.submit(new GenerationRequest(prompt(7 + i, 20), greedy(25), c));
                outs.add(c);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(outs.get(i).await()).isEqualTo(FinishReason.LENGTH);
                assertThat(outs.get(i).tokenArray()).containsExactly(alone(prompt(7 + i, 20), greedy(25)));
            }
            assertThat(engine.metrics().snapshot().kvBlocksHeld()).isZero();
        }
    }

    /** Finished, cancelled (running and waiting) and failed sequences all give their blocks back. */
    @Test
    void everyBlockComesBackHoweverSequencesEnd() throws Exception {
        for (boolean cache : new boolean[] {false, true}) {
            try (LanguageModel m = LanguageModel.load(dir, new DecoderOptions("cpu", 3, 0, 40 * B));
                 Engine engine = engine(m, new EngineOptions(32, 40, cache))) {
                List<Collector> outs = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    int kind = i % 3;
                    Collector c = kind == 0 ? new Collector() : new Collector() {
                        @Override
                        public synchronized void onToken(String piece, int tokenId) {
                            super.onToken(piece, tokenId);
                            if (tokens.size() == 2 && kind == 2) {
                                throw new IllegalStateException("listener bug");
                            }
                        }
                    };
                    RequestHandle h = engine.submit(new GenerationRequest(prompt(20 + i, 17 + 5 * i), greedy(30), c));
                    if (kind == 1) {
                        h.cancel(); // waiting or running, whichever it is by then
                    }
                    outs.add(c);
                }
                for (Collector c : outs) {
                    c.done.handle((r, e) -> r).get(60, TimeUnit.SECONDS);
                }
                EngineMetrics.Snapshot s = engine.metrics().snapshot();
                assertThat(s.kvBlocks()).isEqualTo(40);
                assertThat(s.kvBlocksHeld()).as("cache %s: held", cache).isZero();
                if (cache) {
                    assertThat(s.kvBlocksCached()).as("finished prefixes stay cached").isPositive().isLessThanOrEqualTo(40);
                } else {
                    assertThat(s.kvBlocksCached()).isZero();
                }
                assertThat(s.requestsFailed()).isEqualTo(4);
            }
        }
    }
}
