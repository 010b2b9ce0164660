package dev.quill.model.testing;

/**
 * {@code rope_scaling} of a Llama config.
 *
 * @param type {@code "llama3"} or {@code "linear"}
 * @param factor the context extension factor
 * @param lowFreqFactor llama3 only
 * @param highFreqFactor llama3 only
 * @param originalMaxPositionEmbeddings llama3 only: the context the model was trained for
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {
    public RopeScaling {
        if (!type.equals("llama3") && !type.equals("linear")) {
            throw new IllegalArgumentException("unsupported rope_scaling type " + type);
        }
    }

    /** Llama 3.1's frequency-dependent scaling ({@code _compute_llama3_parameters}). */
    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor,
                                     int originalMaxPositionEmbeddings) {
        return new RopeScaling("llama3", factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings);
    }

    /** Position interpolation: every inverse frequency divided by {@code factor}. */
    public static RopeScaling linear(double factor) {
        return new RopeScaling("linear", factor, 0, 0, 0);
    }
}
