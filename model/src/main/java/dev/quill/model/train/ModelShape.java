package dev.quill.model.train;

import dev.quill.model.weights.TensorDtype;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hyper-parameters of a model Quill trains: a Llama-family decoder (RMSNorm, rotary
 * positions, SwiGLU feed-forward, no biases, output projection tied to the token embeddings).
 *
 * @param vocabSize token ids, special tokens included
 * @param hidden model width d_model
 * @param layers transformer blocks
 * @param heads attention heads; each is {@code hidden / heads} wide
 * @param intermediate hidden width of the SwiGLU feed-forward block
 * @param context max_position_embeddings: the longest sequence the model is meant for
 */
public record ModelShape(int vocabSize, int hidden, int layers, int heads, int intermediate, int context) {

    public static final double ROPE_THETA = 10_000;
    public static final double NORM_EPS = 1e-5;

    public ModelShape {
        if (vocabSize <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || intermediate <= 0 || context <= 0) {
            throw new IllegalArgumentException("every model dimension must be positive");
        }
        if (hidden % heads != 0 || (hidden / heads) % 2 != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " must split into " + heads
                    + " heads of an even width (rotary positions rotate pairs)");
        }
    }

    public int headDim() {
        return hidden / heads;
    }

    /** Llama's default feed-forward width for a model width: 8/3 of it (SwiGLU has three matrices, not two), rounded up to 32. */
    public static int defaultIntermediate(int hidden) {
        return (8 * hidden / 3 + 31) / 32 * 32;
    }

    /** Trainable values: embeddings (shared with the output), per block 4 attention and 3 MLP matrices and 2 norms, the final norm. */
    public long parameterCount() {
        long d = hidden;
        long perBlock = 4 * d * d + 3 * d * intermediate + 2 * d;
        return (long) vocabSize * d + layers * perBlock + d;
    }

    /** config.json as HF's LlamaConfig writes it, which Quill's ModelConfigReader reads. */
    Map<String, Object> configJson(int bosId, int eosId, TensorDtype dtype) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("architectures", List.of("LlamaForCausalLM"));
        j.put("attention_bias", false);
        j.put("attention_dropout", 0.0);
        j.put("bos_token_id", bosId);
        j.put("eos_token_id", eosId);
        j.put("head_dim", headDim());
        j.put("hidden_act", "silu");
        j.put("hidden_size", hidden);
        j.put("initializer_range", 0.02);
        j.put("intermediate_size", intermediate);
        j.put("max_position_embeddings", context);
        j.put("mlp_bias", false);
        j.put("model_type", "llama");
        j.put("num_attention_heads", heads);
        j.put("num_hidden_layers", layers);
        j.put("num_key_value_heads", heads);
        j.put("pretraining_tp", 1);
        j.put("rms_norm_eps", NORM_EPS);
        j.put("rope_scaling", null);
        j.put("rope_theta", ROPE_THETA);
        j.put("tie_word_embeddings", true);
        j.put("torch_dtype", switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
        });
        j.put("transformers_version", "4.45.0");
        j.put("use_cache", true);
        j.put("vocab_size", vocabSize);
        return j;
    }
}
