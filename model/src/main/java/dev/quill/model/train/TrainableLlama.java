package dev.quill.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import dev.quill.model.weights.SafetensorsWriter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The Llama decoder written for training: the whole sequence in one pass (teacher forcing) with
 * a causal mask, out of DJL ops that PyTorch's autograd differentiates, and no KV cache. Its
 * weights carry HuggingFace's names and (out, in) layouts, so a checkpoint is just these arrays;
 * {@code dev.quill.model.decoder.Decoder} loads them and computes the same logits.
 *
 * <p>Ownership: the parameters and rotary tables live in this object's manager until
 * {@link #close}. A forward pass makes temporaries in whatever managers its ops pick; callers run
 * it inside an {@link NDScope}, which closes them all, after the backward pass. Not thread-safe.
 *
 * <p>Scalars in the graph are arrays made in the pass's manager {@code m}, never DJL's
 * {@code mul(Number)}-style shortcuts: those wrap the number in a tensor over Java memory and close
 * it as soon as the op returns, while autograd keeps that tensor for the backward pass (a product
 * needs its other factor, a power its exponent). The backward then read freed memory: training
 * went NaN in about one process in five. {@code m} lives until the step is over.
 */
public final class TrainableLlama implements AutoCloseable {

    private static final double INIT_STD = 0.02; // GPT-2's initializer_range

    private final ModelShape shape;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>(); // HF name → weight, in checkpoint order
    private final NDArray cos; // (context, headDim)
    private final NDArray sin; // (context, headDim)

    private TrainableLlama(ModelShape shape, NDManager manager) {
        this.shape = shape;
        this.manager = manager;
        NDArray[] tables = rotaryTables(manager, shape);
        this.cos = tables[0];
        this.sin = tables[1];
    }

    /**
     * A fresh model: weights N(0, 0.02²), the projections that write into the residual stream
     * (o_proj, down_proj) scaled down by sqrt(2 * layers) as GPT-2 does so the stream's variance
     * does not grow with depth, norm weights 1. Drawn from one seeded stream: the same seed gives
     * the same model.
     */
    public static TrainableLlama initialize(ModelShape s, long seed, Device device) {
        TrainableLlama m = new TrainableLlama(s, NDManager.newBaseManager(device));
        Random rng = new Random(seed);
        double residualStd = INIT_STD / Math.sqrt(2.0 * s.layers());
        long d = s.hidden();
        long f = s.intermediate();
        m.normal("model.embed_tokens.weight", rng, INIT_STD, s.vocabSize(), d);
        for (int i = 0; i < s.layers(); i++) {
            String p = "model.layers." + i + ".";
            m.ones(p + "input_layernorm.weight", d);
            m.normal(p + "self_attn.q_proj.weight", rng, INIT_STD, d, d);
            m.normal(p + "self_attn.k_proj.weight", rng, INIT_STD, d, d);
            m.normal(p + "self_attn.v_proj.weight", rng, INIT_STD, d, d);
            m.normal(p + "self_attn.o_proj.weight", rng, residualStd, d, d);
            m.ones(p + "post_attention_layernorm.weight", d);
            m.normal(p + "mlp.gate_proj.weight", rng, INIT_STD, f, d);
            m.normal(p + "mlp.up_proj.weight", rng, INIT_STD, f, d);
            m.normal(p + "mlp.down_proj.weight", rng, residualStd, d, f);
        }
        m.ones("model.norm.weight", d);
        return m;
    }

    public ModelShape shape() {
        return shape;
    }

    /** Every trainable array by its HuggingFace name; each has a gradient after a backward pass. */
    public Map<String, NDArray> parameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /**
     * Mean cross-entropy of the next-token predictions over the batch's weighted positions:
     * {@code -sum(w * log p(target)) / sum(w)}.
     *
     * @param dropout rate at which the embeddings and each block's outputs are zeroed (0 for none)
     */
    public NDArray loss(NDManager m, TokenBatch b, float dropout) {
        long n = (long) b.rows() * b.width();
        NDArray logits = logits(m, b, dropout).reshape(n, shape.vocabSize());               // (B*T, V)
        NDArray targets = m.create(b.targets(), new Shape(n, 1));
        NDArray logProb = logits.logSoftmax(-1).gather(targets, 1).reshape(n);     // (B*T)
        float counted = 0;
        for (float w : b.weights()) {
            counted += w;
        }
        NDArray weights = m.create(b.weights(), new Shape(n));
        return logProb.mul(weights).sum().neg().div(m.create(Math.max(1f, counted)));
    }

    /** The forward pass as inference runs it: logits (B, T, V) at every position of every row. */
    public NDArray logits(NDManager m, TokenBatch b) {
        return logits(m, b, 0);
    }

    /**
     * The forward pass with dropout on the embeddings and on what each attention and MLP block
     * adds to the residual stream (GPT-2's embd_pdrop and resid_pdrop): training only.
     */
    public NDArray logits(NDManager m, TokenBatch b, float dropout) {
        long rows = b.rows();
        long t = b.width();
        NDArray x = param("model.embed_tokens.weight").get(new NDIndex("{}", m.create(b.ids())))
                .reshape(rows, t, shape.hidden());                                  // (B, T, D)
        x = drop(x, dropout);
        NDIndex at = new NDIndex("{}", m.create(b.positions()));
        Shape tableShape = new Shape(rows, t, 1, shape.headDim());
        NDArray[] cosSin = {cos.get(at).reshape(tableShape), sin.get(at).reshape(tableShape)}; // (B, T, 1, hd)
        NDArray mask = m.create(b.mask(), new Shape(rows, 1, t, t));
        for (int i = 0; i < shape.layers(); i++) {
            String p = "model.layers." + i + ".";
            // pre-norm block: x = x + attn(norm(x)); x = x + mlp(norm(x))
            x = x.add(drop(attention(m, rms(m, x, p + "input_layernorm.weight"), p + "self_attn.", cosSin, mask), dropout));
            x = x.add(drop(mlp(rms(m, x, p + "post_attention_layernorm.weight"), p + "mlp."), dropout));
        }
        x = rms(m, x, "model.norm.weight");
        return Linear.linear(x, param("model.embed_tokens.weight")).head();            // tied output: (B, T, V)
    }

    /** Logits at every position of one sequence, without gradients: {@code [T][V]}. */
    public float[][] logits(int[] tokens) {
        try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
            float[] flat = logits(m, TokenBatch.single(tokens)).toFloatArray();
            int v = shape.vocabSize();
            float[][] out = new float[tokens.length][];
            for (int i = 0; i < tokens.length; i++) {
                out[i] = java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v);
            }
            return out;
        }
    }

    /** Zeroes a fraction of x and scales the rest by 1 / (1 - rate), so the expected value is unchanged. */
    private static NDArray drop(NDArray x, float rate) {
        return rate == 0 ? x : Dropout.dropout(x, rate, true).head();
    }

    /** Causal multi-head self-attention; x: (B, T, D). */
    private NDArray attention(NDManager m, NDArray x, String p, NDArray[] cosSin, NDArray mask) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long d = shape.hidden();
        int heads = shape.heads();
        int hd = shape.headDim();
        // one product for q, k and v: (B, T, 3D)
        NDArray w = NDArrays.concat(new NDList(param(p + "q_proj.weight"), param(p + "k_proj.weight"), param(p + "v_proj.weight")), 0);
        NDList qkv = Linear.linear(x, w).head().split(3, 2);
        NDArray q = rotate(qkv.get(0).reshape(b, t, heads, hd), cosSin).transpose(0, 2, 1, 3); // (B, H, T, hd)
        NDArray k = rotate(qkv.get(1).reshape(b, t, heads, hd), cosSin).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(2).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        // scores are divided by sqrt(d_k) so their variance stays near 1 and softmax does not saturate
        NDArray scores = q.mul(m.create((float) (1 / Math.sqrt(hd)))).matMul(k.transpose(0, 1, 3, 2)).add(mask); // (B, H, T, T)
        NDArray y = scores.softmax(-1).matMul(v)                                    // (B, H, T, hd)
                .transpose(0, 2, 1, 3).reshape(b, t, d);
        return Linear.linear(y, param(p + "o_proj.weight")).head();
    }

    /** SwiGLU: down(silu(gate(x)) * up(x)). */
    private NDArray mlp(NDArray x, String p) {
        NDArray w = NDArrays.concat(new NDList(param(p + "gate_proj.weight"), param(p + "up_proj.weight")), 0);
        NDList gu = Linear.linear(x, w).head().split(2, 2);
        NDArray gate = gu.get(0);
        return Linear.linear(gate.mul(Activation.sigmoid(gate)).mul(gu.get(1)), param(p + "down_proj.weight")).head();
    }

    /**
     * RMSNorm, written as the inference decoder's Norm.Rms so both round alike: x / sqrt(mean(x²) + eps) * w
     * (the same ops, with the same scalar types DJL would give {@code add(float)} and {@code pow(-1)}).
     */
    private NDArray rms(NDManager m, NDArray x, String weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.mul(meanSquare.add(m.create((float) ModelShape.NORM_EPS)).sqrt().pow(m.create(-1))).mul(param(weight));
    }

    /** Rotary positions, HF's rotate-half convention: x * cos + rotate_half(x) * sin; x: (B, T, H, hd). */
    private NDArray rotate(NDArray x, NDArray[] cosSin) {
        int half = shape.headDim() / 2;
        NDArray x1 = x.get("..., :" + half);
        NDArray x2 = x.get("..., " + half + ":");
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(cosSin[0]).add(rotated.mul(cosSin[1]));
    }

    /** The same cos/sin values the inference decoder's Rotary computes, position by position. */
    private static NDArray[] rotaryTables(NDManager m, ModelShape s) {
        int d = s.headDim();
        int half = d / 2;
        double[] invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = 1.0 / Math.pow(ModelShape.ROPE_THETA, (2.0 * i) / d);
        }
        int n = s.context();
        float[] cosV = new float[n * d];
        float[] sinV = new float[n * d];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < d; i++) {
                double angle = p * invFreq[i % half];
                cosV[p * d + i] = (float) Math.cos(angle);
                sinV[p * d + i] = (float) Math.sin(angle);
            }
        }
        return new NDArray[] {m.create(cosV, new Shape(n, d)), m.create(sinV, new Shape(n, d))};
    }

    /** The weights as a checkpoint holds them: HF names, (out, in) layouts, fp32 values. */
    public Map<String, SafetensorsWriter.Tensor> weights() {
        Map<String, SafetensorsWriter.Tensor> out = new LinkedHashMap<>();
        params.forEach((name, w) -> out.put(name, new SafetensorsWriter.Tensor(w.getShape().getShape(), w.toFloatArray())));
        return out;
    }

    private NDArray param(String name) {
        return params.get(name);
    }

    private void normal(String name, Random rng, double std, long... dims) {
        int n = Math.toIntExact(new Shape(dims).size());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        add(name, v, dims);
    }

    private void ones(String name, long size) {
        float[] v = new float[(int) size];
        java.util.Arrays.fill(v, 1f);
        add(name, v, size);
    }

    private void add(String name, float[] values, long... dims) {
        NDArray a = manager.create(values, new Shape(dims));
        a.setRequiresGradient(true);
        params.put(name, a);
    }

    @Override
    public void close() {
        manager.close();
    }
}
