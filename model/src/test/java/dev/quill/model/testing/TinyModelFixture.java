package dev.quill.model.testing;

import static dev.quill.model.testing.TinyTokenizerWriter.ENDOFTEXT;
import static dev.quill.model.testing.TinyTokenizerWriter.IM_END;
import static dev.quill.model.testing.TinyTokenizerWriter.specialId;

import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Writes a complete, tiny, random-weight HuggingFace model folder: {@code config.json},
 * {@code generation_config.json}, {@code model.safetensors} (or 3 shards and
 * {@code model.safetensors.index.json}), {@code tokenizer.json} and {@code tokenizer_config.json}.
 *
 * <p>Weights are seeded-random, rounded to bfloat16 precision, and never in fp16's subnormal range
 * (|w| ≥ 2^-14 or 0), so the F32, F16 and BF16 checkpoints of one seed hold identical values, which
 * {@link TinyModel#weights()} returns. Scales keep logits well spread: embeddings and lm_head have
 * std 0.25 (logit std ≈ 2), projections std 0.8/sqrt(fan_in), norm weights 1 ± 0.1.
 *
 * <p>Default sizes ({@link #defaultConfig}): vocab = {@link TinyTokenizerWriter#vocabulary()} size,
 * <ul>
 *   <li>gpt2: n_embd 64, 4 heads, 2 layers, n_inner null (256), n_positions 128, tied lm_head;</li>
 *   <li>llama: hidden 64, 4 heads of 16, 2 kv heads, 2 layers, intermediate 128, theta 1e4,
 *       max positions 256, separate lm_head;</li>
 *   <li>qwen2: hidden 64, 4 heads of 16, 1 kv head, 2 layers, intermediate 128, theta 1e6, q/k/v
 *       biases, tied embeddings.</li>
 * </ul>
 * Special-token conventions mirror real checkpoints: gpt2 uses {@code <|endoftext|>} as bos and eos
 * (AddedToken objects in tokenizer_config.json); llama has bos {@code <|endoftext|>}, and a list
 * {@code [<|endoftext|>, <|im_end|>]} as eos_token_id in config.json (as Llama 3.1 Instruct does);
 * qwen2 has a null bos_token, eos {@code <|im_end|>}, pad {@code <|endoftext|>} as plain strings.
 */
public final class TinyModelFixture {

    /** Shard count of a sharded fixture. */
    public static final int SHARDS = 3;

    private static final double EMBED_STD = 0.25;
    private static final double PROJ_GAIN = 0.8; // std = PROJ_GAIN / sqrt(fan_in)
    private static final double NORM_STD = 0.1;
    private static final double BIAS_STD = 0.05;
    private static final double QKV_BIAS_STD = 0.1;

    private TinyModelFixture() {}

    /** Writes {@code family} with its {@link #defaultConfig} into {@code dir} (created if absent). */
    public static TinyModel write(Path dir, Family family, Dtype dtype, boolean sharded, long seed)
            throws IOException {
        return write(dir, defaultConfig(family), dtype, sharded, seed);
    }

    /** Writes a model with the given hyper-parameters (e.g. {@code defaultConfig(LLAMA).withRopeScaling(..)}). */
    public static TinyModel write(Path dir, ReferenceConfig config, Dtype dtype, boolean sharded, long seed)
            throws IOException {
        checkSupported(config);
        Files.createDirectories(dir);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> weights = new LinkedHashMap<>();
        WeightSampler sampler = new WeightSampler(new Random(seed), weights, shapes);
        if (config.family() == Family.GPT2) {
            gpt2Weights(config, sampler);
        } else {
            llamaWeights(config, sampler);
        }
        if (sharded) {
            SafetensorsWriter.writeSharded(dir, weights, shapes, dtype, SHARDS);
        } else {
            SafetensorsWriter.write(dir.resolve(SafetensorsWriter.SINGLE_FILE), weights, shapes, dtype,
                    SafetensorsWriter.PT_METADATA);
        }
        writeJson(dir.resolve("config.json"), configJson(config, dtype));
        writeJson(dir.resolve("generation_config.json"), generationConfigJson(config.family()));
        TinyTokenizerWriter.writeTokenizerJson(dir);
        int context = config.maxPositions();
        switch (config.family()) {
            case GPT2 -> TinyTokenizerWriter.writeTokenizerConfig(dir, ENDOFTEXT, ENDOFTEXT, null, true,
                    "GPT2Tokenizer", context);
            case LLAMA -> TinyTokenizerWriter.writeTokenizerConfig(dir, ENDOFTEXT, IM_END, null, true,
                    "PreTrainedTokenizerFast", context);
            case QWEN2 -> TinyTokenizerWriter.writeTokenizerConfig(dir, null, IM_END, ENDOFTEXT, false,
                    "Qwen2Tokenizer", context);
        }
        Map<String, float[]> frozen = Collections.unmodifiableMap(weights);
        return new TinyModel(dir, config.family(), frozen, Collections.unmodifiableMap(shapes),
                new ReferenceDecoder(config, frozen));
    }

    private static void checkSupported(ReferenceConfig c) {
        if (c.family() == Family.LLAMA && c.qkvBias()) {
            // Llama's attention_bias also puts a bias on o_proj, which neither side models
            throw new IllegalArgumentException("llama with attention_bias is not supported; use QWEN2");
        }
        if (c.family() == Family.GPT2
                && (c.numKvHeads() != c.numHeads() || c.headDim() * c.numHeads() != c.hiddenSize())) {
            throw new IllegalArgumentException("gpt2 needs kv heads = heads and head_dim = n_embd / n_head");
        }
        if (c.family() != Family.GPT2 && c.qkvBias() != (c.family() == Family.QWEN2)) {
            throw new IllegalArgumentException("qwen2 always has q/k/v biases, llama never");
        }
    }

    /** The default tiny hyper-parameters of a family (see the class comment). */
    public static ReferenceConfig defaultConfig(Family family) {
        int vocab = TinyTokenizerWriter.vocabulary().size();
        return switch (family) {
            case GPT2 -> new ReferenceConfig(family, vocab, 64, 2, 4, 4, 16, 256, 128, 1e-5, 0, null, true, false);
            case LLAMA -> new ReferenceConfig(family, vocab, 64, 2, 4, 2, 16, 128, 256, 1e-5, 10_000, null, false, false);
            case QWEN2 -> new ReferenceConfig(family, vocab, 64, 2, 4, 1, 16, 128, 256, 1e-6, 1_000_000, null, true, true);
        };
    }

    // ---- weights, in HF checkpoint names and layouts --------------------------------------------

    /** GPT-2 names without the {@code transformer.} prefix; Conv1D weights are (in, out). */
    private static void gpt2Weights(ReferenceConfig c, WeightSampler s) {
        int C = c.hiddenSize(), inner = c.intermediateSize();
        s.normal("wte.weight", EMBED_STD, c.vocabSize(), C);
        s.normal("wpe.weight", EMBED_STD / 2, c.maxPositions(), C);
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "h." + l + ".";
            s.norm(p + "ln_1.weight", C);
            s.normal(p + "ln_1.bias", BIAS_STD, C);
            s.normal(p + "attn.c_attn.weight", PROJ_GAIN / Math.sqrt(C), C, 3 * C);
            s.normal(p + "attn.c_attn.bias", BIAS_STD, 3 * C);
            s.normal(p + "attn.c_proj.weight", PROJ_GAIN / Math.sqrt(C), C, C);
            s.normal(p + "attn.c_proj.bias", BIAS_STD, C);
            s.norm(p + "ln_2.weight", C);
            s.normal(p + "ln_2.bias", BIAS_STD, C);
            s.normal(p + "mlp.c_fc.weight", PROJ_GAIN / Math.sqrt(C), C, inner);
            s.normal(p + "mlp.c_fc.bias", BIAS_STD, inner);
            s.normal(p + "mlp.c_proj.weight", PROJ_GAIN / Math.sqrt(inner), inner, C);
            s.normal(p + "mlp.c_proj.bias", BIAS_STD, C);
        }
        s.norm("ln_f.weight", C);
        s.normal("ln_f.bias", BIAS_STD, C);
    }

    /** Llama / Qwen2 names; torch.nn.Linear weights are (out, in). */
    private static void llamaWeights(ReferenceConfig c, WeightSampler s) {
        int H = c.hiddenSize(), I = c.intermediateSize();
        int q = c.numHeads() * c.headDim(), kv = c.numKvHeads() * c.headDim();
        s.normal("model.embed_tokens.weight", EMBED_STD, c.vocabSize(), H);
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            s.norm(p + "input_layernorm.weight", H);
            s.normal(p + "self_attn.q_proj.weight", PROJ_GAIN / Math.sqrt(H), q, H);
            s.normal(p + "self_attn.k_proj.weight", PROJ_GAIN / Math.sqrt(H), kv, H);
            s.normal(p + "self_attn.v_proj.weight", PROJ_GAIN / Math.sqrt(H), kv, H);
            if (c.qkvBias()) {
                s.normal(p + "self_attn.q_proj.bias", QKV_BIAS_STD, q);
                s.normal(p + "self_attn.k_proj.bias", QKV_BIAS_STD, kv);
                s.normal(p + "self_attn.v_proj.bias", QKV_BIAS_STD, kv);
            }
            s.normal(p + "self_attn.o_proj.weight", PROJ_GAIN / Math.sqrt(q), H, q);
            s.norm(p + "post_attention_layernorm.weight", H);
            s.normal(p + "mlp.gate_proj.weight", PROJ_GAIN / Math.sqrt(H), I, H);
            s.normal(p + "mlp.up_proj.weight", PROJ_GAIN / Math.sqrt(H), I, H);
            s.normal(p + "mlp.down_proj.weight", PROJ_GAIN / Math.sqrt(I), H, I);
        }
        s.norm("model.norm.weight", H);
        if (!c.tieWordEmbeddings()) {
            s.normal("lm_head.weight", EMBED_STD, c.vocabSize(), H);
        }
    }

    /** Draws tensors in call order from one seeded stream. */
    private record WeightSampler(Random rng, Map<String, float[]> weights, Map<String, long[]> shapes) {
        /** N(0, std²), exactly representable in bf16 and fp16. */
        void normal(String name, double std, int... shape) {
            fill(name, shape, () -> rng.nextGaussian() * std);
        }

        /** Norm weights: N(1, 0.1²). */
        void norm(String name, int size) {
            fill(name, new int[] {size}, () -> 1.0 + rng.nextGaussian() * NORM_STD);
        }

        private void fill(String name, int[] shape, DoubleSupplier draw) {
            int count = 1;
            long[] longShape = new long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                count *= shape[i];
                longShape[i] = shape[i];
            }
            float[] values = new float[count];
            for (int i = 0; i < count; i++) values[i] = representable(draw.getAsDouble());
            weights.put(name, values);
            shapes.put(name, longShape);
        }
    }

    /** Rounds to bf16; values under fp16's smallest normal (2^-14) become 0 (fp16 would lose them). */
    static float representable(double value) {
        float v = Dtype.BF16.round((float) value);
        return Math.abs(v) < 0x1p-14f ? 0f : v;
    }

    // ---- json files -----------------------------------------------------------------------------

    private static Map<String, Object> configJson(ReferenceConfig c, Dtype dtype) {
        int eot = specialId(ENDOFTEXT), imEnd = specialId(IM_END);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("architectures", List.of(c.family().architecture()));
        j.put("model_type", c.family().modelType());
        if (c.family() == Family.GPT2) {
            j.put("activation_function", "gelu_new");
            j.put("attn_pdrop", 0.1);
            j.put("bos_token_id", eot);
            j.put("embd_pdrop", 0.1);
            j.put("eos_token_id", eot);
            j.put("initializer_range", 0.02);
            j.put("layer_norm_epsilon", c.normEps());
            j.put("n_ctx", c.maxPositions());
            j.put("n_embd", c.hiddenSize());
            j.put("n_head", c.numHeads());
            j.put("n_inner", c.intermediateSize() == 4 * c.hiddenSize() ? null : c.intermediateSize());
            j.put("n_layer", c.numLayers());
            j.put("n_positions", c.maxPositions());
            j.put("resid_pdrop", 0.1);
            j.put("scale_attn_weights", true);
        } else {
            if (c.family() == Family.LLAMA) {
                j.put("attention_bias", false);
            }
            j.put("attention_dropout", 0.0);
            j.put("bos_token_id", eot);
            j.put("eos_token_id", c.family() == Family.LLAMA ? List.of(eot, imEnd) : (Object) eot);
            if (c.family() == Family.LLAMA) {
                j.put("head_dim", c.headDim()); // newer Llama configs carry it; Qwen2's do not
            }
            j.put("hidden_act", "silu");
            j.put("hidden_size", c.hiddenSize());
            j.put("initializer_range", 0.02);
            j.put("intermediate_size", c.intermediateSize());
            j.put("max_position_embeddings", c.maxPositions());
            if (c.family() == Family.LLAMA) {
                j.put("mlp_bias", false);
            } else {
                j.put("max_window_layers", c.numLayers());
            }
            j.put("num_attention_heads", c.numHeads());
            j.put("num_hidden_layers", c.numLayers());
            j.put("num_key_value_heads", c.numKvHeads());
            j.put("rms_norm_eps", c.normEps());
            j.put("rope_scaling", ropeScalingJson(c.ropeScaling()));
            j.put("rope_theta", c.ropeTheta());
            if (c.family() == Family.QWEN2) {
                j.put("sliding_window", c.maxPositions());
                j.put("use_sliding_window", false);
            }
            j.put("tie_word_embeddings", c.tieWordEmbeddings());
        }
        j.put("torch_dtype", dtype.torchName());
        j.put("transformers_version", "4.45.0");
        j.put("use_cache", true);
        j.put("vocab_size", c.vocabSize());
        return j;
    }

    private static Map<String, Object> ropeScalingJson(RopeScaling s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("factor", s.factor());
        if (s.type().equals("llama3")) {
            j.put("high_freq_factor", s.highFreqFactor());
            j.put("low_freq_factor", s.lowFreqFactor());
            j.put("original_max_position_embeddings", s.originalMaxPositionEmbeddings());
        }
        j.put("rope_type", s.type());
        return j;
    }

    private static Map<String, Object> generationConfigJson(Family family) {
        int eot = specialId(ENDOFTEXT), imEnd = specialId(IM_END);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("bos_token_id", eot);
        switch (family) {
            case GPT2 -> j.put("eos_token_id", eot);
            case LLAMA -> j.put("eos_token_id", List.of(eot, imEnd));
            case QWEN2 -> {
                j.put("eos_token_id", List.of(imEnd, eot));
                j.put("pad_token_id", eot);
            }
        }
        j.put("transformers_version", "4.45.0");
        return j;
    }

    private static void writeJson(Path file, Map<String, Object> json) throws IOException {
        String text = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
                .toJson(json);
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
