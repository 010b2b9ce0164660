package dev.quill.model.train;

import com.google.gson.GsonBuilder;
import dev.quill.model.weights.SafetensorsWriter;
import dev.quill.model.weights.TensorDtype;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained model as a HuggingFace folder that Quill's loader and transformers'
 * {@code AutoModelForCausalLM} / {@code AutoTokenizer} both read: config.json (model_type llama),
 * generation_config.json, model.safetensors, tokenizer.json and tokenizer_config.json.
 */
public final class ModelFolder {

    private ModelFolder() {
    }

    /** Writes the tokenizer files: the first thing a run writes, since encoding the corpus reads them back. */
    public static void writeTokenizer(Path dir, BpeVocabulary vocab, int context) throws IOException {
        Files.createDirectories(dir);
        TokenizerFiles.write(dir, vocab, context);
    }

    /** Writes config.json, generation_config.json and model.safetensors (the latter replaced atomically). */
    public static void writeModel(Path dir, TrainableLlama model, BpeVocabulary vocab, TensorDtype dtype) throws IOException {
        Files.createDirectories(dir);
        int bos = TokenizerFiles.specialId(vocab, TokenizerFiles.ENDOFTEXT);
        int eos = TokenizerFiles.specialId(vocab, TokenizerFiles.IM_END);
        Path tmp = dir.resolve("model.safetensors.tmp");
        SafetensorsWriter.write(tmp, model.weights(), dtype);
        Files.move(tmp, dir.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeJson(dir.resolve("config.json"), model.shape().configJson(bos, eos, dtype));
        writeJson(dir.resolve("generation_config.json"), generationConfig(bos, eos));
    }

    /**
     * Greedy by default: the demo model recalls memorized answers, and sampling from a model this
     * small mostly adds mistakes. A request's own temperature still wins.
     */
    private static Map<String, Object> generationConfig(int bos, int eos) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("bos_token_id", bos);
        j.put("do_sample", false);
        j.put("eos_token_id", List.of(eos, bos));
        j.put("max_new_tokens", 256);
        j.put("transformers_version", "4.45.0");
        return j;
    }

    static void writeJson(Path file, Object json) throws IOException {
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
                .toJson(json) + "\n", StandardCharsets.UTF_8);
    }
}
