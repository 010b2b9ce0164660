package dev.quill.model.testing;

/** The HuggingFace model families a fixture can write, by their config.json {@code model_type}. */
public enum Family {
    /** {@code gpt2}: learned positions, LayerNorm, GELU MLP, Conv1D weights, tied lm_head. */
    GPT2("gpt2", "GPT2LMHeadModel"),
    /** {@code llama}: RoPE, RMSNorm, SwiGLU, grouped-query attention, separate lm_head. */
    LLAMA("llama", "LlamaForCausalLM"),
    /** {@code qwen2}: Llama with q/k/v biases and tied embeddings. */
    QWEN2("qwen2", "Qwen2ForCausalLM");

    private final String modelType;
    private final String architecture;

    Family(String modelType, String architecture) {
        this.modelType = modelType;
        this.architecture = architecture;
    }

    /** The config.json {@code model_type}. */
    public String modelType() {
        return modelType;
    }

    /** The config.json {@code architectures[0]}. */
    public String architecture() {
        return architecture;
    }
}
