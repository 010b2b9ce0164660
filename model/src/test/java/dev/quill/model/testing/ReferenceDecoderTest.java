package dev.quill.model.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;


import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReferenceDecoderTest {

    private static final int[] IDS = {456, 10, 200, 33, 300, 5, 220, 100, 457, 42, 17, 390, 3, 99, 250, 1};
    private static final RopeScaling LLAMA3 = RopeScaling.llama3(8, 1, 4, 32);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Family.class)
    void logitsAreFiniteAndWellSpread(Family family) throws IOException {
        float[][] logits = TinyModelFixture.write(dir, family, Dtype.F32, false, 42).reference().logits(IDS);
        assertThat(logits).hasNumberOfRows(IDS.length);
        double sum = 0, sumSq = 0;
        for (float[] row : logits) {
            assertThat(row).hasSize(TinyTokenizerWriter.vocabulary().size());
            for (float v : row) {
                assertThat(Float.isFinite(v)).isTrue();
                sum += v;
                sumSq += v * v;
            }
        }
        int n = logits.length * logits[0].length;
        double std = Math.sqrt(sumSq / n - (sum / n) * (sum / n));
        assertThat(std).as("logit std").isBetween(1.0, 4.0);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void laterTokensDoNotChangeEarlierLogits(Family family) throws IOException {
        ReferenceDecoder ref = TinyModelFixture.write(dir, family, Dtype.F32, false, 3).reference();
        int[] changed = IDS.clone();
        for (int t = 9; t < changed.length; t++) changed[t] = (changed[t] + 77) % 400;
        float[][] a = ref.logits(IDS), b = ref.logits(changed);
        for (int t = 0; t < 9; t++) {
            assertThat(b[t]).as("position %d", t).containsExactly(a[t]);
        }
        assertThat(b[9]).isNotEqualTo(a[9]);
        // and a prefix alone gives the same rows: full recomputation is position-consistent
        assertThat(ref.nextTokenLogits(Arrays.copyOf(IDS, 5))).containsExactly(a[4]);
    }

    /**
     * Golden values from an independent numpy implementation (vectorized the way HF's modeling code
     * is, reading the safetensors files): argmax at each position and last-position logits of ids
     * 0, 1, 100, 456, 458. They pin the fixture weights (seed 42; llama3: seed 11) and the reference.
     */
    @Test
    void matchesIndependentNumpyComputation() throws IOException {
        checkGolden(TinyModelFixture.write(dir.resolve("g"), Family.GPT2, Dtype.F32, false, 42),
                new int[] {239, 10, 200, 239, 126, 2, 220, 239, 413, 42, 418, 396, 413, 181, 418, 126},
                new float[] {-2.224558f, 5.760535f, 0.269026f, -1.068025f, -3.620473f});
        checkGolden(TinyModelFixture.write(dir.resolve("l"), Family.LLAMA, Dtype.BF16, true, 42),
                new int[] {242, 109, 110, 293, 406, 111, 111, 111, 111, 146, 310, 417, 349, 454, 406, 277},
                new float[] {3.024803f, 1.263553f, 2.316791f, -2.116754f, 0.319850f});
        checkGolden(TinyModelFixture.write(dir.resolve("q"), Family.QWEN2, Dtype.F16, true, 42),
                new int[] {294, 114, 294, 294, 207, 93, 395, 348, 248, 253, 162, 253, 114, 253, 253, 114},
                new float[] {-0.616333f, 5.511117f, -0.886039f, 0.212632f, -1.855260f});
        ReferenceConfig scaled = TinyModelFixture.defaultConfig(Family.LLAMA).withRopeScaling(LLAMA3);
        checkGolden(TinyModelFixture.write(dir.resolve("l3"), scaled, Dtype.BF16, false, 11),
                new int[] {280, 284, 5, 284, 26, 284, 24, 284, 26, 284, 284, 24, 24, 284, 431, 284},
                new float[] {0.416135f, -0.202619f, -0.791615f, 1.417804f, 0.995106f});
    }

    private static void checkGolden(TinyModel model, int[] argmax, float[] last) {
        float[][] logits = model.reference().logits(IDS);
        for (int t = 0; t < IDS.length; t++) {
            assertThat(ReferenceDecoder.argmax(logits[t])).as("%s argmax at %d", model.family(), t).isEqualTo(argmax[t]);
        }
        int[] probe = {0, 1, 100, 456, 458};
        for (int i = 0; i < probe.length; i++) {
            assertThat(logits[IDS.length - 1][probe[i]]).isCloseTo(last[i], within(2e-5f));
        }
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadWithRepeatedKvHeads() throws IOException {
        TinyModel gqa = TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 5); // 4 heads, 2 kv heads
        ReferenceConfig c = gqa.config();
        ReferenceConfig mha = new ReferenceConfig(c.family(), c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(),
                c.numHeads(), c.headDim(), c.intermediateSize(), c.maxPositions(), c.normEps(), c.ropeTheta(),
                null, c.tieWordEmbeddings(), c.qkvBias());
        // repeat_kv: query head h reads kv head h / (heads / kv_heads), so kv rows [0,0,1,1]
        Map<String, float[]> weights = new HashMap<>(gqa.weights());
        int rowLen = c.headDim() * c.hiddenSize(), groups = c.numHeads() / c.numKvHeads();
        for (int l = 0; l < c.numLayers(); l++) {
            for (String p : new String[] {"k_proj", "v_proj"}) {
                String name = "model.layers." + l + ".self_attn." + p + ".weight";
                float[] kv = weights.get(name), repeated = new float[c.numHeads() * rowLen];
                for (int h = 0; h < c.numHeads(); h++) System.arraycopy(kv, (h / groups) * rowLen, repeated, h * rowLen, rowLen);
                weights.put(name, repeated);
            }
        }
        float[][] expected = new ReferenceDecoder(mha, weights).logits(IDS);
        float[][] actual = gqa.reference().logits(IDS);
        for (int t = 0; t < IDS.length; t++) assertThat(actual[t]).containsExactly(expected[t]);
    }

    @Test
    void rotateHalfFollowsHfConvention() {
        double[] x = {1, 2, 3, 4, 5, 6};
        assertThat(ReferenceDecoder.rotateHalf(x)).containsExactly(-4, -5, -6, 1, 2, 3);
        double[] twice = ReferenceDecoder.rotateHalf(ReferenceDecoder.rotateHalf(x));
        for (int i = 0; i < x.length; i++) assertThat(twice[i]).isEqualTo(-x[i]);
    }

    @Test
    void rotaryPairsElementIWithIPlusHalf() throws IOException {
        ReferenceDecoder ref = TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 1).reference();
        int d = ref.config().headDim();
        double[][][] cs = ref.rotaryCosSin(8);
        double[] invFreq = ref.inverseFrequencies();
        assertThat(invFreq[0]).isEqualTo(1.0);
        assertThat(invFreq[1]).isCloseTo(1 / Math.pow(10_000, 2.0 / d), within(1e-15));
        // position 0 is the identity
        double[] x = randomVector(new Random(1), d);
        assertThat(ReferenceDecoder.applyRotary(x, cs[0][0], cs[1][0])).containsExactly(x);
        // e_0 at position t rotates into the (0, d/2) plane by angle t * inv_freq[0]
        double[] e0 = new double[d];
        e0[0] = 1;
        double[] r = ReferenceDecoder.applyRotary(e0, cs[0][5], cs[1][5]);
        assertThat(r[0]).isCloseTo(Math.cos(5), within(1e-12));
        assertThat(r[d / 2]).isCloseTo(Math.sin(5), within(1e-12));
        assertThat(Math.abs(r[1])).isEqualTo(0.0);
    }

    @Test
    void rotaryPreservesNormsAndDependsOnlyOnRelativePosition() throws IOException {
        ReferenceDecoder ref = TinyModelFixture.write(dir, Family.QWEN2, Dtype.F32, false, 1).reference();
        int d = ref.config().headDim();
        double[][][] cs = ref.rotaryCosSin(20);
        Random rng = new Random(2);
        double[] q = randomVector(rng, d), k = randomVector(rng, d);
        double[] q5 = ReferenceDecoder.applyRotary(q, cs[0][5], cs[1][5]);
        assertThat(norm(q5)).isCloseTo(norm(q), within(1e-12));
        double a = dot(q5, ReferenceDecoder.applyRotary(k, cs[0][2], cs[1][2]));
        double b = dot(ReferenceDecoder.applyRotary(q, cs[0][19], cs[1][19]),
                ReferenceDecoder.applyRotary(k, cs[0][16], cs[1][16]));
        assertThat(a).isCloseTo(b, within(1e-9));
    }

    @Test
    void llama3ScalingKeepsHighFrequenciesAndSlowsLowOnes() throws IOException {
        ReferenceDecoder plain = TinyModelFixture.write(dir.resolve("a"), Family.LLAMA, Dtype.F32, false, 9).reference();
        ReferenceConfig cfg = TinyModelFixture.defaultConfig(Family.LLAMA).withRopeScaling(LLAMA3);
        ReferenceDecoder scaled = TinyModelFixture.write(dir.resolve("b"), cfg, Dtype.F32, false, 9).reference();
        double[] base = plain.inverseFrequencies(), inv = scaled.inverseFrequencies();
        // head_dim 16, theta 1e4: wavelengths 2π·10^(i/2) = 6.3, 19.9, 62.8, ...; bounds 32/4 = 8 and 32/1 = 32
        assertThat(inv[0]).isEqualTo(base[0]);                                  // wavelen < 8: unchanged
        double smooth = (32 / (2 * Math.PI / base[1]) - 1) / (4 - 1);           // 8 <= 19.9 <= 32: blended
        assertThat(inv[1]).isCloseTo((1 - smooth) * base[1] / 8 + smooth * base[1], within(1e-15));
        assertThat(inv[1]).isStrictlyBetween(base[1] / 8, base[1]);
        for (int i = 2; i < inv.length; i++) assertThat(inv[i]).isCloseTo(base[i] / 8, within(1e-18)); // > 32

        // same weights: position 0 has no rotation, so only later positions change
        float[][] a = plain.logits(IDS), b = scaled.logits(IDS);
        assertThat(b[0]).containsExactly(a[0]);
        assertThat(b[3]).isNotEqualTo(a[3]);
    }

    @Test
    void linearScalingDividesEveryFrequency() throws IOException {
        ReferenceConfig cfg = TinyModelFixture.defaultConfig(Family.QWEN2).withRopeScaling(RopeScaling.linear(4));
        double[] inv = new ReferenceDecoder(cfg, Map.of()).inverseFrequencies();
        double[] base = new ReferenceDecoder(TinyModelFixture.defaultConfig(Family.QWEN2), Map.of()).inverseFrequencies();
        for (int i = 0; i < inv.length; i++) assertThat(inv[i]).isCloseTo(base[i] / 4, within(1e-18));
    }

    @Test
    void formulasMatchHandValues() {
        assertThat(ReferenceDecoder.geluNew(1.0)).isCloseTo(0.8411919906082768, within(1e-15));
        assertThat(ReferenceDecoder.geluNew(-3.0)).isCloseTo(-0.0036373920817729943, within(1e-15));
        assertThat(ReferenceDecoder.silu(1.0)).isCloseTo(0.7310585786300049, within(1e-15));
        // Conv1D (in, out) and Linear (out, in) are the same map with the weight transposed
        float[] convW = {1, 2, 3, 4, 5, 6}; // (in 2, out 3)
        float[] linW = {1, 4, 2, 5, 3, 6};  // (out 3, in 2)
        double[] x = {0.5, -1};
        assertThat(ReferenceDecoder.conv1d(x, convW, new float[] {1, 0, 0}, 3)).containsExactly(-2.5, -4.0, -4.5);
        assertThat(ReferenceDecoder.linear(x, linW, new float[] {1, 0, 0}, 3)).containsExactly(-2.5, -4.0, -4.5);
    }

    @Test
    void greedyExtendsWithArgmax() throws IOException {
        ReferenceDecoder ref = TinyModelFixture.write(dir, Family.GPT2, Dtype.F32, false, 42).reference();
        int[] out = ref.greedy(new int[] {456, 10}, 3);
        assertThat(out).hasSize(3);
        assertThat(out[0]).isEqualTo(ReferenceDecoder.argmax(ref.nextTokenLogits(new int[] {456, 10})));
        assertThat(out[2]).isEqualTo(ReferenceDecoder.argmax(ref.nextTokenLogits(new int[] {456, 10, out[0], out[1]})));
    }

    @Test
    void rejectsBadInput() throws IOException {
        ReferenceDecoder ref = TinyModelFixture.write(dir, Family.GPT2, Dtype.F32, false, 42).reference();
        assertThatThrownBy(() -> ref.logits(new int[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ref.logits(new int[] {459})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ref.logits(new int[129])).hasMessageContaining("n_positions");
    }

    private static double[] randomVector(Random rng, int d) {
        double[] v = new double[d];
        for (int i = 0; i < d; i++) v[i] = rng.nextGaussian();
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
