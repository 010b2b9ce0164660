package dev.quill.model.testing;

import java.util.Arrays;
import java.util.Map;

/**
 * A plain-Java forward pass for the fixture families, written from HuggingFace transformers'
 * {@code modeling_gpt2.py}, {@code modeling_llama.py} and {@code modeling_qwen2.py}, to check the
 * production decoder against. It shares no code with the production path: it reads the exact float
 * weights a fixture wrote and its own {@link ReferenceConfig}, recomputes everything from scratch on every
 * call, one loop per formula, accumulating in double.
 *
 * <p>Immutable and thread-safe. Slow by design (O(T²) per call, no KV cache); fine for tiny models.
 */
public final class ReferenceDecoder {

    private final ReferenceConfig config;
    private final Map<String, float[]> weights;

    /** @param weights tensor name → row-major values, as in the checkpoint (HF names, HF layouts) */
    public ReferenceDecoder(ReferenceConfig config, Map<String, float[]> weights) {
        this.config = config;
        this.weights = Map.copyOf(weights);
    }

    public ReferenceConfig config() {
        return config;
    }

    /** Logits for every position: {@code [T][vocab]}, row t predicting token t+1. */
    public float[][] logits(int[] tokenIds) {
        if (tokenIds.length == 0) {
            throw new IllegalArgumentException("no tokens");
        }
        for (int id : tokenIds) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside vocab " + config.vocabSize());
            }
        }
        double[][] hidden = switch (config.family()) {
            case GPT2 -> gpt2(tokenIds);
            case LLAMA, QWEN2 -> llama(tokenIds);
        };
        String head = config.tieWordEmbeddings() ? embeddingName() : "lm_head.weight";
        float[][] out = new float[tokenIds.length][];
        for (int t = 0; t < tokenIds.length; t++) {
            out[t] = toFloat(linear(hidden[t], w(head), null, config.vocabSize())); // (vocab)
        }
        return out;
    }

    /** Logits of the last position: the distribution of the next token. */
    public float[] nextTokenLogits(int[] tokenIds) {
        float[][] all = logits(tokenIds);
        return all[all.length - 1];
    }

    /** Greedy continuation: {@code steps} argmax tokens after {@code prompt}. */
    public int[] greedy(int[] prompt, int steps) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + steps);
        for (int i = 0; i < steps; i++) {
            seq[prompt.length + i] = argmax(nextTokenLogits(Arrays.copyOf(seq, prompt.length + i)));
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    /** Index of the largest value (the first one on ties). */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }

    // ---- GPT-2 (modeling_gpt2.py) ---------------------------------------------------------------

    /** Returns the final hidden states after ln_f, (T, C). */
    private double[][] gpt2(int[] ids) {
        int T = ids.length, C = config.hiddenSize();
        if (T > config.maxPositions()) {
            throw new IllegalArgumentException(T + " tokens exceed n_positions " + config.maxPositions());
        }
        // token + learned position embeddings
        double[][] x = new double[T][C];
        float[] wte = w("wte.weight"), wpe = w("wpe.weight");
        for (int t = 0; t < T; t++) {
            for (int c = 0; c < C; c++) {
                x[t][c] = wte[ids[t] * C + c] + wpe[t * C + c];
            }
        }
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "h." + l + ".";
            // x = x + attn(ln_1(x)); c_attn is a Conv1D (in, out) producing [q | k | v]
            double[][] attnIn = new double[T][];
            double[][] q = new double[T][], k = new double[T][], v = new double[T][];
            for (int t = 0; t < T; t++) {
                attnIn[t] = layerNorm(x[t], w(p + "ln_1.weight"), w(p + "ln_1.bias"));
                double[] qkv = conv1d(attnIn[t], w(p + "attn.c_attn.weight"), w(p + "attn.c_attn.bias"), 3 * C);
                q[t] = Arrays.copyOfRange(qkv, 0, C);
                k[t] = Arrays.copyOfRange(qkv, C, 2 * C);
                v[t] = Arrays.copyOfRange(qkv, 2 * C, 3 * C);
            }
            double[][] y = causalSelfAttention(q, k, v, config.numHeads(), config.numHeads());
            for (int t = 0; t < T; t++) {
                add(x[t], conv1d(y[t], w(p + "attn.c_proj.weight"), w(p + "attn.c_proj.bias"), C));
            }
            // x = x + mlp(ln_2(x)); mlp = c_proj(gelu_new(c_fc(x)))
            for (int t = 0; t < T; t++) {
                double[] m = layerNorm(x[t], w(p + "ln_2.weight"), w(p + "ln_2.bias"));
                double[] h = conv1d(m, w(p + "mlp.c_fc.weight"), w(p + "mlp.c_fc.bias"), config.intermediateSize());
                for (int i = 0; i < h.length; i++) h[i] = geluNew(h[i]);
                add(x[t], conv1d(h, w(p + "mlp.c_proj.weight"), w(p + "mlp.c_proj.bias"), C));
            }
        }
        for (int t = 0; t < T; t++) {
            x[t] = layerNorm(x[t], w("ln_f.weight"), w("ln_f.bias"));
        }
        return x;
    }

    /** {@code (x - mean) / sqrt(var + eps) * w + b}, biased variance (torch.nn.LayerNorm). */
    private double[] layerNorm(double[] x, float[] weight, float[] bias) {
        double mean = 0;
        for (double xi : x) mean += xi;
        mean /= x.length;
        double var = 0;
        for (double xi : x) var += (xi - mean) * (xi - mean);
        var /= x.length;
        double inv = 1.0 / Math.sqrt(var + config.normEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (x[i] - mean) * inv * weight[i] + bias[i];
        return out;
    }

    /** GPT-2's "gelu_new": {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    static double geluNew(double x) {
        return 0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /** HF's Conv1D: {@code y = x @ W + b} with W stored (in, out). */
    static double[] conv1d(double[] x, float[] weight, float[] bias, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < in; i++) s += x[i] * weight[i * out + o];
            y[o] = s;
        }
        return y;
    }

    // ---- Llama / Qwen2 (modeling_llama.py, modeling_qwen2.py) -----------------------------------

    /** Returns the final hidden states after model.norm, (T, hidden). */
    private double[][] llama(int[] ids) {
        int T = ids.length, H = config.hiddenSize(), hd = config.headDim();
        int nH = config.numHeads(), nKv = config.numKvHeads();
        double[][] x = new double[T][H];
        float[] embed = w("model.embed_tokens.weight");
        for (int t = 0; t < T; t++) {
            for (int c = 0; c < H; c++) x[t][c] = embed[ids[t] * H + c];
        }
        double[][][] cosSin = rotaryCosSin(T); // 2 × (T, head_dim), positions 0..T-1
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            // x = x + o_proj(attention(rope(q), rope(k), v)) over input_layernorm(x)
            double[][] q = new double[T][], k = new double[T][], v = new double[T][];
            for (int t = 0; t < T; t++) {
                double[] a = rmsNorm(x[t], w(p + "input_layernorm.weight"));
                q[t] = linear(a, w(p + "self_attn.q_proj.weight"), bias(p + "self_attn.q_proj.bias"), nH * hd);
                k[t] = linear(a, w(p + "self_attn.k_proj.weight"), bias(p + "self_attn.k_proj.bias"), nKv * hd);
                v[t] = linear(a, w(p + "self_attn.v_proj.weight"), bias(p + "self_attn.v_proj.bias"), nKv * hd);
                q[t] = applyRotaryPerHead(q[t], nH, cosSin[0][t], cosSin[1][t]);
                k[t] = applyRotaryPerHead(k[t], nKv, cosSin[0][t], cosSin[1][t]);
            }
            double[][] y = causalSelfAttention(q, k, v, nH, nKv);
            for (int t = 0; t < T; t++) {
                add(x[t], linear(y[t], w(p + "self_attn.o_proj.weight"), null, H));
            }
            // x = x + down(silu(gate(m)) * up(m)), m = post_attention_layernorm(x)
            for (int t = 0; t < T; t++) {
                double[] m = rmsNorm(x[t], w(p + "post_attention_layernorm.weight"));
                double[] gate = linear(m, w(p + "mlp.gate_proj.weight"), null, config.intermediateSize());
                double[] up = linear(m, w(p + "mlp.up_proj.weight"), null, config.intermediateSize());
                double[] h = new double[gate.length];
                for (int i = 0; i < h.length; i++) h[i] = silu(gate[i]) * up[i];
                add(x[t], linear(h, w(p + "mlp.down_proj.weight"), null, H));
            }
        }
        for (int t = 0; t < T; t++) {
            x[t] = rmsNorm(x[t], w("model.norm.weight"));
        }
        return x;
    }

    /** {@code x * rsqrt(mean(x^2) + eps) * w} (LlamaRMSNorm / Qwen2RMSNorm). */
    private double[] rmsNorm(double[] x, float[] weight) {
        double meanSquare = 0;
        for (double xi : x) meanSquare += xi * xi;
        meanSquare /= x.length;
        double inv = 1.0 / Math.sqrt(meanSquare + config.normEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * inv * weight[i];
        return out;
    }

    /** {@code x * sigmoid(x)}. */
    static double silu(double x) {
        return x / (1.0 + Math.exp(-x));
    }

    /** torch.nn.Linear: {@code y = x @ W^T + b} with W stored (out, in). */
    static double[] linear(double[] x, float[] weight, float[] bias, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < in; i++) s += x[i] * weight[o * in + i];
            y[o] = s;
        }
        return y;
    }

    // ---- rotary position embeddings (LlamaRotaryEmbedding, apply_rotary_pos_emb) ----------------

    /**
     * {@code inv_freq[i] = 1 / theta^(2i/d)} for i in [0, d/2), then {@code rope_scaling} applied as
     * in HF's {@code _compute_llama3_parameters} / {@code _compute_linear_scaling_rope_parameters}.
     */
    public double[] inverseFrequencies() {
        int d = config.headDim();
        double[] invFreq = new double[d / 2];
        for (int i = 0; i < d / 2; i++) invFreq[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / d);
        RopeScaling s = config.ropeScaling();
        if (s == null) {
            return invFreq;
        }
        if (s.type().equals("linear")) {
            for (int i = 0; i < invFreq.length; i++) invFreq[i] /= s.factor();
            return invFreq;
        }
        // llama3: keep high frequencies, divide low ones by factor, blend the band in between
        double lowFreqWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highFreqWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        double[] scaled = new double[invFreq.length];
        for (int i = 0; i < invFreq.length; i++) {
            double wavelen = 2 * Math.PI / invFreq[i];
            double llama = wavelen > lowFreqWavelen ? invFreq[i] / s.factor() : invFreq[i];
            double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                    / (s.highFreqFactor() - s.lowFreqFactor());
            double smoothed = (1 - smooth) * llama / s.factor() + smooth * llama;
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            scaled[i] = medium ? smoothed : llama;
        }
        return scaled;
    }

    /**
     * {@code cos} and {@code sin} of shape (T, d): {@code freqs = pos ⊗ inv_freq} (T, d/2),
     * {@code emb = cat(freqs, freqs)} (T, d). Llama3/linear scaling have attention_scaling 1.
     */
    public double[][][] rotaryCosSin(int T) {
        double[] invFreq = inverseFrequencies();
        int d = config.headDim();
        double[][] cos = new double[T][d], sin = new double[T][d];
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < d; j++) {
                double angle = t * invFreq[j % (d / 2)]; // emb = cat(freqs, freqs)
                cos[t][j] = Math.cos(angle);
                sin[t][j] = Math.sin(angle);
            }
        }
        return new double[][][] {cos, sin};
    }

    /** {@code rotate_half(x) = cat(-x[d/2:], x[:d/2])}. */
    public static double[] rotateHalf(double[] x) {
        int half = x.length / 2;
        double[] out = new double[x.length];
        for (int i = 0; i < half; i++) {
            out[i] = -x[half + i];
            out[half + i] = x[i];
        }
        return out;
    }

    /** {@code x * cos + rotate_half(x) * sin} for one head vector at one position. */
    public static double[] applyRotary(double[] x, double[] cos, double[] sin) {
        double[] rotated = rotateHalf(x);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * cos[i] + rotated[i] * sin[i];
        return out;
    }

    /** Applies rotary to each head_dim slice of a (heads × head_dim) row. */
    private double[] applyRotaryPerHead(double[] row, int heads, double[] cos, double[] sin) {
        int hd = config.headDim();
        double[] out = new double[row.length];
        for (int h = 0; h < heads; h++) {
            double[] head = Arrays.copyOfRange(row, h * hd, (h + 1) * hd);
            System.arraycopy(applyRotary(head, cos, sin), 0, out, h * hd, hd);
        }
        return out;
    }

    // ---- attention shared by both families -----------------------------------------------------

    /**
     * Causal scaled dot-product attention. q: (T, nH·hd), k and v: (T, nKv·hd); query head h reads
     * kv head {@code h / (nH / nKv)} (repeat_kv = repeat_interleave). Scores scaled by 1/sqrt(hd).
     * Returns (T, nH·hd), heads concatenated.
     */
    private double[][] causalSelfAttention(double[][] q, double[][] k, double[][] v, int nH, int nKv) {
        int T = q.length, hd = config.headDim(), groups = nH / nKv;
        double scale = 1.0 / Math.sqrt(hd);
        double[][] out = new double[T][nH * hd];
        for (int h = 0; h < nH; h++) {
            int kvh = h / groups;
            for (int t = 0; t < T; t++) {
                double[] scores = new double[t + 1]; // positions s <= t only: the causal mask
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) dot += q[t][h * hd + i] * k[s][kvh * hd + i];
                    scores[s] = dot * scale;
                    max = Math.max(max, scores[s]);
                }
                double sum = 0;
                for (int s = 0; s <= t; s++) {
                    scores[s] = Math.exp(scores[s] - max);
                    sum += scores[s];
                }
                for (int s = 0; s <= t; s++) {
                    double p = scores[s] / sum;
                    for (int i = 0; i < hd; i++) out[t][h * hd + i] += p * v[s][kvh * hd + i];
                }
            }
        }
        return out;
    }

    // ---- small helpers --------------------------------------------------------------------------

    private String embeddingName() {
        return config.family() == Family.GPT2 ? "wte.weight" : "model.embed_tokens.weight";
    }

    private float[] w(String name) {
        float[] values = weights.get(name);
        if (values == null) {
            throw new IllegalArgumentException("missing weight " + name);
        }
        return values;
    }

    private float[] bias(String name) {
        return config.qkvBias() ? w(name) : null;
    }

    private static void add(double[] x, double[] delta) {
        for (int i = 0; i < x.length; i++) x[i] += delta[i];
    }

    private static float[] toFloat(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (float) x[i];
        return out;
    }
}
