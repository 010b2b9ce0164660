package dev.quill.server.chat;

import dev.quill.model.sampling.InvalidSamplingParamException;
import dev.quill.model.sampling.SamplingParams;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one validator of sampling fields and max_tokens, for both protocols: an OpenAI body and a
 * WebSocket chat's {@code params} hold the same fields under the same names and get the same
 * errors. Types are checked first (a string where a number goes names the field), integers are
 * range-checked as sent and only then narrowed ({@code top_k: 2^40} is refused, not cast to 0),
 * and {@link SamplingParams} checks the ranges of the rest (NaN and infinities included). Whether
 * the prompt plus max_tokens fits is the prompt builder's check, done in long arithmetic.
 */
public final class SamplingFields {

    /** Parsed sampling, and whether the client set max_tokens (then too large is an error, as in OpenAI's API). */
    public record Parsed(SamplingParams params, boolean maxTokensGiven) {
    }

    private SamplingFields() {
    }

    /** @throws ApiException invalid_request naming the first field that is wrong */
    public static Parsed read(JsonFields f) {
        Long n = f.integer("n", Long.MIN_VALUE, Long.MAX_VALUE);
        if (n != null && n != 1) {
            throw new ApiException(ApiError.invalid("only n=1 is supported, got " + n, "n"));
        }
        SamplingParams.Builder b = SamplingParams.builder();
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
