package dev.quill.model.config;

/**
 * The decoder families Quill implements. A family fixes the wiring: which norm, which MLP, which
 * positions, which weight names. Several HuggingFace {@code model_type}s map to one family.
 */
public enum Family {
    /** Learned positions, LayerNorm, GELU MLP, fused Conv1D attention projection. */
    GPT2,
    /** Rotary positions, RMSNorm, SwiGLU, grouped-query attention (Llama, Qwen2, SmolLM, TinyLlama). */
    LLAMA;

    /** Maps a config.json {@code model_type} to its family, or {@code null} if Quill has none. */
    public static Family ofModelType(String modelType) {
        if (modelType == null) {
            return null;
        }
        return switch (modelType) {
            case "gpt2" -> GPT2;
            case "llama", "qwen2", "mistral" -> LLAMA;
            default -> null;
        };
    }
}
