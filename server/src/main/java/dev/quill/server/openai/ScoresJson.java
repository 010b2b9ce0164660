package dev.quill.server.openai;

import dev.quill.model.sampling.TokenScores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Writes token scores in OpenAI's two shapes: chat's {@code logprobs.content[]} of
 * {@code {token, logprob, bytes, top_logprobs}}, and the legacy completions object of parallel
 * arrays ({@code tokens}, {@code token_logprobs}, {@code top_logprobs}, {@code text_offset}). A
 * log-probability of -inf (a token a grammar forbids) is written as -9999, as OpenAI does, since
 * JSON has no infinity. Stateless but for the legacy shape's running text offset, kept by the
 * caller in a {@link Legacy} per choice.
 */
final class ScoresJson {
    static final double FLOOR = -9999.0;

    private final TokenTexts texts;
    private final boolean tokenIds;

    /** @param tokenIds name each token {@code "token_id:<id>"} (vLLM's return_tokens_as_token_ids) */
    ScoresJson(TokenTexts texts, boolean tokenIds) {
        this.texts = texts;
        this.tokenIds = tokenIds;
    }

    private String text(int id) {
        return tokenIds ? "token_id:" + id : texts.text(id);
    }

    /** Chat: {@code {"content": [...], "refusal": null}}. */
    JsonObject chat(List<TokenScores> scores) {
        JsonArray content = new JsonArray();
        for (TokenScores s : scores) {
            JsonArray top = new JsonArray();
            for (int i = 0; i < s.topIds().length; i++) {
                top.add(entry(s.topIds()[i], s.topLogprobs()[i]));
            }
            content.add(entry(s.token(), s.logprob()).put("top_logprobs", top));
        }
        return new JsonObject().put("content", content).put("refusal", null);
    }

    private JsonObject entry(int id, float logprob) {
        JsonArray bytes = new JsonArray();
        for (byte b : texts.bytes(id)) {
            bytes.add(b & 0xff);
        }
        return new JsonObject().put("token", text(id)).put("logprob", value(logprob)).put("bytes", bytes);
    }

    static double value(float logprob) {
        return logprob == Float.NEGATIVE_INFINITY || logprob < FLOOR ? FLOOR : logprob;
    }

    /** One completions choice's legacy logprobs, built up over its chunks; {@code text_offset} counts characters of the choice's text. */
    final class Legacy {
        private int offset;

        /**
         * The echoed prompt's first token: no log-probability (null, as OpenAI gives none), and no
         * alternatives: {@code {}} rather than OpenAI's null, which the official SDKs' validation refuses.
         */
        JsonObject first(int id, JsonObject into) {
            String t = text(id);
            JsonObject o = arrays(into);
            o.getJsonArray("tokens").add(t);
            o.getJsonArray("token_logprobs").addNull();
            o.getJsonArray("top_logprobs").add(new JsonObject());
            o.getJsonArray("text_offset").add(offset);
            offset += texts.text(id).length();
            return o;
        }

        /** Appends {@code scores} to {@code into} (a fresh object when null); the sampled token joins its alternatives, as OpenAI's up to logprobs + 1. */
        JsonObject add(List<TokenScores> scores, JsonObject into) {
            JsonObject o = arrays(into);
            for (TokenScores s : scores) {
                String t = text(s.token());
                JsonObject top = new JsonObject();
                for (int i = 0; i < s.topIds().length; i++) {
                    top.put(text(s.topIds()[i]), value(s.topLogprobs()[i]));
                }
                if (!top.containsKey(t)) {
                    top.put(t, value(s.logprob()));
                }
                o.getJsonArray("tokens").add(t);
                o.getJsonArray("token_logprobs").add(value(s.logprob()));
                o.getJsonArray("top_logprobs").add(top);
                o.getJsonArray("text_offset").add(offset);
                offset += texts.text(s.token()).length();
            }
            return o;
        }

        /** Moves the offset past text that has no scores (the echoed prompt when only its text is asked for). */
        void skip(String text) {
            offset += text.length();
        }

        private JsonObject arrays(JsonObject into) {
            if (into != null) {
                return into;
            }
            return new JsonObject().put("tokens", new JsonArray()).put("token_logprobs", new JsonArray())
                    .put("top_logprobs", new JsonArray()).put("text_offset", new JsonArray());
        }
    }
}
