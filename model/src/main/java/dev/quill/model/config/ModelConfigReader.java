package dev.quill.model.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.ModelLoadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a HuggingFace config.json into a {@link ModelConfig}, checking what the decoder relies on. */
public final class ModelConfigReader {

    private final Path file;
    private final JsonObject json;

    private ModelConfigReader(Path file, JsonObject json) {
        this.file = file;
        this.json = json;
    }

    /** Reads {@code dir/config.json}. */
    public static ModelConfig read(Path dir) {
        Path file = dir.resolve("config.json");
        return new ModelConfigReader(file, parse(file)).toConfig();
    }

    static JsonObject parse(Path file) {
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file));
            if (!root.isJsonObject()) {
                throw new ModelLoadException(file, "expected a JSON object");
            }
            return root.getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, "missing file");
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof ModelLoadException mle) {
                throw mle;
            }
            throw new ModelLoadException(file, "malformed JSON: " + e.getMessage(), e);
        }
    }

    private ModelConfig toConfig() {
        String modelType = optString("model_type", null);
        Family family = Family.ofModelType(modelType);
        if (family == null) {
            throw new ModelLoadException(file, "unknown model_type '" + modelType
                    + "' (supported: gpt2, llama, qwen2, mistral)");
        }
        return family == Family.GPT2 ? gpt2(modelType) : llama(modelType);
    }

    private ModelConfig gpt2(String modelType) {
        int hidden = requireInt("n_embd");
        int heads = requireInt("n_head");
        int inner = optInt("n_inner", 4 * hidden);
        String act = optString("activation_function", "gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
            throw new ModelLoadException(file, "activation_function '" + act + "' is not supported (gelu_new)");
        }
        return check(new ModelConfig(modelType, Family.GPT2, requireInt("vocab_size"), hidden,
                requireInt("n_layer"), heads, heads, hidden / heads, inner,
                optDouble("layer_norm_epsilon", 1e-5), 0, null, requireInt("n_positions"),
                true, true, optInteger("bos_token_id"), eosIds()));
    }

    private ModelConfig llama(String modelType) {
        int hidden = requireInt("hidden_size");
        int heads = requireInt("num_attention_heads");
        String act = optString("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new ModelLoadException(file, "hidden_act '" + act + "' is not supported (silu)");
        }
        boolean qkvBias = modelType.equals("qwen2") || optBoolean("attention_bias", false);
        return check(new ModelConfig(modelType, Family.LLAMA, requireInt("vocab_size"), hidden,
                requireInt("num_hidden_layers"), heads, optInt("num_key_value_heads", heads),
                optInt("head_dim", hidden / heads), requireInt("intermediate_size"),
                optDouble("rms_norm_eps", 1e-6), optDouble("rope_theta", 10000.0), ropeScaling(),
                requireInt("max_position_embeddings"), optBoolean("tie_word_embeddings", false),
                qkvBias, optInteger("bos_token_id"), eosIds()));
    }

    private ModelConfig check(ModelConfig c) {
        if (c.numHeads() <= 0 || c.numKvHeads() <= 0 || c.numHeads() % c.numKvHeads() != 0) {
            throw new ModelLoadException(file, "num_attention_heads " + c.numHeads()
                    + " must be a positive multiple of num_key_value_heads " + c.numKvHeads());
        }
        if (c.family() == Family.GPT2 && c.hiddenSize() % c.numHeads() != 0) {
            throw new ModelLoadException(file, "n_embd " + c.hiddenSize() + " is not divisible by n_head " + c.numHeads());
        }
        if (c.headDim() % 2 != 0 && c.family() == Family.LLAMA) {
            throw new ModelLoadException(file, "head_dim " + c.headDim() + " must be even for rotary positions");
        }
        if (c.vocabSize() <= 0 || c.numLayers() <= 0 || c.maxPositions() <= 0 || c.intermediateSize() <= 0) {
            throw new ModelLoadException(file, "vocab_size, layers, intermediate size and max positions must be positive");
        }
        return c;
    }

    private RopeScaling ropeScaling() {
        JsonElement e = json.get("rope_scaling");
        if (e == null || e.isJsonNull()) {
            return null;
        }
        JsonObject o = e.getAsJsonObject();
        JsonElement t = o.has("rope_type") ? o.get("rope_type") : o.get("type");
        String type = t == null ? "default" : t.getAsString();
        double factor = o.has("factor") ? o.get("factor").getAsDouble() : 1.0;
        return switch (type) {
            case "default" -> null;
            case "linear" -> new RopeScaling(type, factor, 0, 0, 0);
            case "llama3" -> new RopeScaling(type, factor, o.get("low_freq_factor").getAsDouble(),
                    o.get("high_freq_factor").getAsDouble(),
                    o.get("original_max_position_embeddings").getAsInt());
            default -> throw new ModelLoadException(file, "rope_scaling type '" + type
                    + "' is not supported (linear, llama3)");
        };
    }

    private List<Integer> eosIds() {
        List<Integer> ids = new ArrayList<>();
        JsonElement e = json.get("eos_token_id");
        if (e instanceof JsonArray arr) {
            arr.forEach(x -> ids.add(x.getAsInt()));
        } else if (e != null && !e.isJsonNull()) {
            ids.add(e.getAsInt());
        }
        return List.copyOf(ids);
    }

    private int requireInt(String key) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            throw new ModelLoadException(file, "missing required field '" + key + "'");
        }
        try {
            return e.getAsInt();
        } catch (RuntimeException ex) {
            throw new ModelLoadException(file, "field '" + key + "' must be an integer, got " + e);
        }
    }

    private int optInt(String key, int def) {
        Integer v = optInteger(key);
        return v == null ? def : v;
    }

    private Integer optInteger(String key) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? null : requireInt(key);
    }

    private double optDouble(String key, double def) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsDouble();
    }

    private boolean optBoolean(String key, boolean def) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsBoolean();
    }

    private String optString(String key, String def) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsString();
    }
}
