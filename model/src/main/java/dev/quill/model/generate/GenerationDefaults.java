package dev.quill.model.generate;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.ModelLoadException;
import dev.quill.model.sampling.SamplingParams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * generation_config.json: the sampling a model's authors recommend, used where a request says
 * nothing. Every field is optional.
 */
public record GenerationDefaults(
        Double temperature, Integer topK, Double topP, Double minP, Double repetitionPenalty,
        Integer maxNewTokens, List<Integer> eosTokenIds) {

    public static final GenerationDefaults NONE = new GenerationDefaults(null, null, null, null, null, null, List.of());

    public static GenerationDefaults read(Path dir) {
        Path file = dir.resolve("generation_config.json");
        if (!Files.exists(file)) {
            return NONE;
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            boolean sample = !o.has("do_sample") || o.get("do_sample").getAsBoolean();
            List<Integer> eos = new ArrayList<>();
            JsonElement e = o.get("eos_token_id");
            if (e != null && e.isJsonArray()) {
                e.getAsJsonArray().forEach(x -> eos.add(x.getAsInt()));
            } else if (e != null && !e.isJsonNull()) {
                eos.add(e.getAsInt());
            }
            // do_sample=false means greedy whatever temperature says
            Double temperature = sample ? dbl(o, "temperature") : Double.valueOf(0.0);
            return new GenerationDefaults(temperature, integer(o, "top_k"), dbl(o, "top_p"), dbl(o, "min_p"),
                    dbl(o, "repetition_penalty"), integer(o, "max_new_tokens"), List.copyOf(eos));
        } catch (IOException ex) {
            throw new ModelLoadException(file, "cannot read: " + ex.getMessage(), ex);
        } catch (RuntimeException ex) {
            throw new ModelLoadException(file, "malformed generation config: " + ex.getMessage(), ex);
        }
    }

    /** The defaults with this config's values applied; a request's own values go on top. */
    public SamplingParams.Builder applyTo(SamplingParams.Builder b) {
        if (temperature != null) {
            b.temperature(temperature);
        }
        if (topK != null) {
            b.topK(topK);
        }
        if (topP != null) {
            b.topP(topP);
        }
        if (minP != null) {
            b.minP(minP);
        }
        if (repetitionPenalty != null) {
            b.repetitionPenalty(repetitionPenalty);
        }
        if (maxNewTokens != null) {
            b.maxTokens(maxNewTokens);
        }
        return b;
    }

    private static Double dbl(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? null : e.getAsDouble();
    }

    private static Integer integer(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? null : e.getAsInt();
    }
}
