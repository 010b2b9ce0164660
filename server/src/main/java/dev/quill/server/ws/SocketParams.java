package dev.quill.server.ws;

import dev.quill.model.sampling.SamplingParams;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The {@code params} object of a WebSocket {@code chat} message: the sampling settings the page
 * offers, with the same names and ranges as the HTTP API.
 */
final class SocketParams {

    private SocketParams() {
    }

    /** Parsed params, and whether max_tokens was given. */
    record Parsed(SamplingParams params, boolean maxTokensGiven) {
    }

    static Parsed parse(JsonObject p, int defaultMaxTokens) {
        SamplingParams.Builder b = SamplingParams.builder().maxTokens(defaultMaxTokens);
        if (p == null) {
            return new Parsed(b.build(), false);
        }
        if (p.containsKey("temperature")) b.temperature(number(p, "temperature"));
        if (p.containsKey("top_p")) b.topP(number(p, "top_p"));
        if (p.containsKey("top_k")) b.topK((int) integer(p, "top_k"));
        if (p.containsKey("min_p")) b.minP(number(p, "min_p"));
        if (p.containsKey("repetition_penalty")) b.repetitionPenalty(number(p, "repetition_penalty"));
        if (p.containsKey("presence_penalty")) b.presencePenalty(number(p, "presence_penalty"));
        if (p.containsKey("frequency_penalty")) b.frequencyPenalty(number(p, "frequency_penalty"));
        if (p.containsKey("seed")) b.seed(integer(p, "seed"));
        if (p.containsKey("ignore_eos")) b.ignoreEos(Boolean.TRUE.equals(p.getValue("ignore_eos")));
        if (p.containsKey("stop")) b.stopStrings(stops(p.getValue("stop")));
        boolean given = p.containsKey("max_tokens");
        if (given) {
            b.maxTokens((int) integer(p, "max_tokens"));
        }
        return new Parsed(b.build(), given);
    }

    private static double number(JsonObject p, String key) {
        if (!(p.getValue(key) instanceof Number n)) {
            throw new ApiException(ApiError.invalid(key + " must be a number", key));
        }
        return n.doubleValue();
    }

    private static long integer(JsonObject p, String key) {
        Object v = p.getValue(key);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ApiException(ApiError.invalid(key + " must be an integer", key));
        }
        return n.longValue();
    }

    private static java.util.List<String> stops(Object v) {
        if (v instanceof String s) {
            return java.util.List.of(s);
        }
        if (v instanceof JsonArray a && a.stream().allMatch(x -> x instanceof String)) {
            return a.stream().map(String.class::cast).toList();
        }
        throw new ApiException(ApiError.invalid("stop must be a string or an array of strings", "stop"));
    }
}
