package dev.quill.model.testing;

import java.nio.file.Path;
import java.util.Map;

/**
 * A model folder written by {@link TinyModelFixture}, with the exact values it holds.
 *
 * @param dir the HuggingFace folder: config.json, generation_config.json, safetensors, tokenizer files
 * @param family the model family
 * @param weights tensor name → row-major values, in write order; identical for F32/F16/BF16 files
 *     because every value is exactly representable in all three; shared with {@code reference}, so
 *     read them, never write them
 * @param shapes tensor name → shape (torch layout, as in the checkpoint)
 * @param reference a plain-Java forward pass over {@code weights}
 */
public record TinyModel(Path dir, Family family, Map<String, float[]> weights, Map<String, long[]> shapes,
                        ReferenceDecoder reference) {

    /** The reference's hyper-parameters: what config.json says. */
    public ReferenceConfig config() {
        return reference.config();
    }

    /** {@code vocab_size}: the tokenizer's size, special tokens included. */
    public int vocabSize() {
        return reference.config().vocabSize();
    }
}
