package dev.quill.server.chat;

import dev.quill.model.generate.GenerationDefaults;
import dev.quill.model.sampling.InvalidSamplingParamException;
import dev.quill.model.sampling.SamplingParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one validator of sampling fields and max_tokens, for both protocols: an OpenAI body and a
 * WebSocket chat's {@code params} hold the same fields under the same names and get the same
 * errors. Types are checked first (a string where a number goes names the field), integers are
 * range-checked as sent and only then narrowed ({@code top_k: 2^40} is refused, not cast to 0),
 * and {@link SamplingParams} checks the ranges of the rest (NaN and infinities included). Whether
 * the prompt plus max_tokens fits is the prompt builder's check, done in long arithmetic.
 *
 * <p>A field the request leaves out takes the model's default ({@link #defaults()}: its
 * {@code generation_config.json} over Quill's neutral values), the same on every path, so a model
 * whose authors say "greedy" is greedy unless the client asks otherwise. Immutable, thread-safe.
 */
public final class SamplingFields {

    /** Parsed sampling, and whether the client set max_tokens (then too large is an error, as in OpenAI's API). */
    public record Parsed(SamplingParams params, boolean maxTokensGiven) {
    }

    private final SamplingParams defaults;
    private final int vocabSize;

    /**
     * @param defaults what a request that sets nothing gets (see {@link #modelDefaults})
     * @param vocabSize the model's vocabulary: logit_bias ids at or past it are refused
     */
    public SamplingFields(SamplingParams defaults, int vocabSize) {
        this.defaults = defaults;
        this.vocabSize = vocabSize;
    }

    /**
     * The model's sampling defaults: generation_config.json's temperature (0 when it says
     * {@code do_sample: false}), top_k, top_p, min_p and repetition_penalty over Quill's neutral
     * values. Its {@code max_new_tokens} is not used: the server's own default
     * ({@code engine.default_max_tokens}, lowered to what the context leaves) bounds an answer.
     */
    public static SamplingParams modelDefaults(GenerationDefaults config, int defaultMaxTokens) {
        try {
            return config.applyTo(SamplingParams.builder()).maxTokens(defaultMaxTokens).build();
        } catch (InvalidSamplingParamException e) {
            throw new IllegalArgumentException("generation_config.json: " + e.getMessage(), e);
        }
    }

    /** What a request that sets no sampling field gets. */
    public SamplingParams defaults() {
        return defaults;
    }

    /** The defaults as the wire names them (GET /v1/models, the chat page's settings). */
    public JsonObject defaultsJson() {
        return new JsonObject().put("temperature", defaults.temperature()).put("top_p", defaults.topP())
                .put("top_k", defaults.topK()).put("min_p", defaults.minP())
                .put("repetition_penalty", defaults.repetitionPenalty())
                .put("presence_penalty", defaults.presencePenalty())
                .put("frequency_penalty", defaults.frequencyPenalty())
                .put("max_tokens", defaults.maxTokens());
    }

    /** @throws ApiException invalid_request naming the first field that is wrong (n other than 1 included) */
    public Parsed read(JsonFields f) {
        return read(f, 1);
    }

    /**
     * Like {@link #read(JsonFields)}, with {@code n} allowed in [1, maxN] (the caller reads it).
     *
     * @throws ApiException invalid_request naming the first field that is wrong
     */
    public Parsed read(JsonFields f, int maxN) {
        Long n = f.integer("n", Long.MIN_VALUE, Long.MAX_VALUE);
        if (n != null && (n < 1 || n > maxN)) {
            throw new ApiException(ApiError.invalid(maxN == 1 ? "only n=1 is supported, got " + n
                    : "n must be in [1, " + maxN + "], got " + n, "n"));
        }
        SamplingParams.Builder b = defaults.toBuilder();
        Optional.ofNullable(f.number("temperature")).ifPresent(b::temperature);
        Optional.ofNullable(f.number("top_p")).ifPresent(b::topP);
        Optional.ofNullable(f.integer("top_k", -1, Integer.MAX_VALUE)).ifPresent(k -> b.topK(k == -1 ? 0 : (int) (long) k)); // vLLM's -1 = off
        Optional.ofNullable(f.number("min_p")).ifPresent(b::minP);
        Optional.ofNullable(f.number("repetition_penalty")).ifPresent(b::repetitionPenalty);
        Optional.ofNullable(f.number("presence_penalty")).ifPresent(b::presencePenalty);
        Optional.ofNullable(f.number("frequency_penalty")).ifPresent(b::frequencyPenalty);
        Optional.ofNullable(f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE)).ifPresent(b::seed);
        Optional.ofNullable(f.bool("ignore_eos")).ifPresent(b::ignoreEos);
        Integer maxTokens = maxTokens(f);
        Optional.ofNullable(maxTokens).ifPresent(b::maxTokens);
        b.stopStrings(stop(f.value("stop")));
        b.logitBias(logitBias(f.value("logit_bias")));
        try {
            return new Parsed(b.build(), maxTokens != null);
        } catch (InvalidSamplingParamException e) {
            throw new ApiException(ApiError.invalid(e.getMessage(), e.param()));
        }
    }

    /** max_completion_tokens (OpenAI's current name) wins over max_tokens (its older one). */
    private static Integer maxTokens(JsonFields f) {
        Long completion = f.integer("max_completion_tokens", 1, Integer.MAX_VALUE);
        Long legacy = f.integer("max_tokens", 1, Integer.MAX_VALUE);
        Long v = completion != null ? completion : legacy;
        return v == null ? null : (int) (long) v;
    }

    /**
     * OpenAI's {@code {"token id": bias}}: keys are token ids written as decimal strings, in the
     * model's vocabulary; biases are numbers in [-100, 100] (checked by {@link SamplingParams}).
     * Counted before anything is parsed, so a body of a million entries costs one size check.
     */
    private Map<Integer, Float> logitBias(Object v) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof JsonObject o)) {
            throw JsonFields.wrongType("logit_bias", "an object mapping token ids to biases", v);
        }
        if (o.size() > SamplingParams.MAX_LOGIT_BIAS) {
            throw new ApiException(ApiError.invalid("logit_bias may hold at most " + SamplingParams.MAX_LOGIT_BIAS
                    + " entries, got " + o.size(), "logit_bias"));
        }
        Map<Integer, Float> bias = new HashMap<>(o.size() * 2);
        for (Map.Entry<String, Object> e : o) {
            int id = tokenId(e.getKey());
            if (!(e.getValue() instanceof Number value)) {
                throw JsonFields.wrongType("logit_bias." + e.getKey(), "a number", e.getValue());
            }
            double d = value.doubleValue();
            if (!(d >= -SamplingParams.MAX_BIAS && d <= SamplingParams.MAX_BIAS)) {
                throw new ApiException(ApiError.invalid("logit_bias values must be in [-100, 100], got " + value
                        + " for token " + id, "logit_bias"));
            }
            bias.put(id, (float) d);
        }
        return bias;
    }

    private int tokenId(String key) {
        if (key.isEmpty() || key.length() > 10 || !key.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ApiException(ApiError.invalid("logit_bias keys must be token ids (decimal integers), got '"
                    + (key.length() > 32 ? key.substring(0, 32) + "…" : key) + "'", "logit_bias"));
        }
        long id = Long.parseLong(key);
        if (id >= vocabSize) {
            throw new ApiException(ApiError.invalid("logit_bias names token " + id + ", which is not in the model's "
                    + "vocabulary of " + vocabSize + " tokens (ids 0 to " + (vocabSize - 1) + ")", "logit_bias"));
        }
        return (int) id;
    }

    /** A string or an array of strings; null: none. */
    private static List<String> stop(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof JsonArray a) {
            List<String> stops = new ArrayList<>(a.size());
            for (Object s : a) {
                if (!(s instanceof String str)) {
                    throw JsonFields.wrongType("stop", "a string or an array of strings", s);
                }
                stops.add(str);
            }
            return stops;
        }
        throw JsonFields.wrongType("stop", "a string or an array of strings", v);
    }
}
