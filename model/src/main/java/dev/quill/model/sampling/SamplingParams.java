package dev.quill.model.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one request wants its tokens chosen and when its generation ends.
 *
 * <p>Ranges follow the OpenAI API where it defines one (temperature [0, 2], top_p (0, 1],
 * presence and frequency penalty [-2, 2]) and vLLM where it does not (top_k &ge; 0, min_p [0, 1],
 * repetition_penalty &gt; 0). Each stage is switched off by its neutral value, so {@link #defaults()}
 * samples from the model's own distribution. An invalid value throws
 * {@link InvalidSamplingParamException}, whose message names the parameter by its wire name and
 * states the allowed range, e.g. {@code "top_p must be in (0, 1], got 1.5"}.
 *
 * @param temperature divides the logits; 0, and anything below {@link #GREEDY_BELOW}, means greedy
 *     decoding (argmax, lowest id on ties)
 * @param topK keep only the k most likely tokens; 0 = off
 * @param topP keep the smallest set of most likely tokens whose probability reaches p; 1 = off
 * @param minP drop tokens whose probability is below {@code minP × p(most likely token)}; 0 = off
 * @param repetitionPenalty HF/CTRL style over prompt and generated tokens: positive logits are
 *     divided by it, negative ones multiplied; 1 = off
 * @param presencePenalty OpenAI style, subtracted once from every token already generated; 0 = off
 * @param frequencyPenalty OpenAI style, subtracted once per earlier occurrence in the generated
 *     tokens; 0 = off
 * @param seed seeds this sequence's random generator; {@code null} = a fresh random seed
 * @param maxTokens the most tokens to generate
 * @param stopTokenIds generation ends when one of these is sampled (it is not streamed)
 * @param stopStrings generation ends when the text contains one of these (it is not streamed)
 * @param ignoreEos keep generating past the model's end-of-sequence token
 * @param logitBias OpenAI's {@code logit_bias}: added to a token's logit after the penalties and
 *     before temperature (so greedy decoding sees it too); at most {@link #MAX_LOGIT_BIAS} entries,
 *     each in [-100, 100]. Ids past the vocabulary are skipped by the sampler; the server refuses
 *     them before they get here. Empty = off
 * @param logprobs report each generated token's log-probability with this many of the most likely
 *     alternatives ({@link TokenScores}): 0 to {@link #MAX_LOGPROBS}; -1 = off (nothing computed)
 * @param promptLogprobs report each prompt token's log-probability given the tokens before it, with
 *     this many alternatives: 0 to {@link #MAX_LOGPROBS}; -1 = off. The prompt is then computed
 *     whole (no prefix reuse), since a cached prefix has no logits
 */
public record SamplingParams(
        double temperature,
        int topK,
        double topP,
        double minP,
        double repetitionPenalty,
        double presencePenalty,
        double frequencyPenalty,
        Long seed,
        int maxTokens,
        Set<Integer> stopTokenIds,
        List<String> stopStrings,
        boolean ignoreEos,
        Map<Integer, Float> logitBias,
        int logprobs,
        int promptLogprobs) {

    /**
     * Used when a request gives no max_tokens. The server normally sets its own bound, from what
     * is left of the model's context.
     */
    public static final int DEFAULT_MAX_TOKENS = 256;

    /**
     * Temperatures below this are greedy, as in vLLM ({@code _SAMPLING_EPS}). As the temperature
     * falls the tempered softmax tends to the argmax: at 1e-5 a runner-up 0.001 below the best
     * logit already weighs e^-100. Sampling there gains nothing, and below about 1e-308 (1e-320
     * and 5e-324 are legal values) {@code 1 / temperature} overflows to infinity, which would make
     * every weight NaN or 0.
     */
    public static final double GREEDY_BELOW = 1e-5;

    /**
     * Stop strings one request may give. Every generated token is matched against each of them
     * on the engine thread that decodes every request, so without a bound a single request (a
     * 1 MB body holds 250,000 two-character strings) would slow every stream's steps. OpenAI
     * allows 4.
     */
    public static final int MAX_STOP_STRINGS = 16;

    /** Characters in one stop string: the matcher holds back up to this much text per request. */
    public static final int MAX_STOP_CHARS = 512;

    /** Entries one request's logit_bias may hold (OpenAI documents no bound; 300 is vLLM's default). */
    public static final int MAX_LOGIT_BIAS = 300;

    /** The largest bias either way: +100 in practice forces a token, -100 forbids it, as in OpenAI's API. */
    public static final float MAX_BIAS = 100f;

    /** The most alternatives a token's log-probability may come with (OpenAI's top_logprobs bound). */
    public static final int MAX_LOGPROBS = 20;

    private static final SamplingParams DEFAULTS = new SamplingParams(
            1.0, 0, 1.0, 0.0, 1.0, 0.0, 0.0, null, DEFAULT_MAX_TOKENS, Set.of(), List.of(), false, Map.of(), -1, -1);

    /** Without log-probabilities: the fields every sampler had before them. */
    public SamplingParams(double temperature, int topK, double topP, double minP, double repetitionPenalty,
                          double presencePenalty, double frequencyPenalty, Long seed, int maxTokens,
                          Set<Integer> stopTokenIds, List<String> stopStrings, boolean ignoreEos,
                          Map<Integer, Float> logitBias) {
        this(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, seed, maxTokens,
                stopTokenIds, stopStrings, ignoreEos, logitBias, -1, -1);
    }

    /** Without a logit bias (the fields every sampler had before it). */
    public SamplingParams(double temperature, int topK, double topP, double minP, double repetitionPenalty,
                          double presencePenalty, double frequencyPenalty, Long seed, int maxTokens,
                          Set<Integer> stopTokenIds, List<String> stopStrings, boolean ignoreEos) {
        this(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, seed, maxTokens,
                stopTokenIds, stopStrings, ignoreEos, Map.of());
    }

    /** Validates every field and makes the collections immutable copies. */
    public SamplingParams {
        // Written as "!(in range)" so that NaN, which fails every comparison, is rejected too.
        require(temperature >= 0 && temperature <= 2, "temperature", "in [0, 2]", temperature);
        require(topK >= 0, "top_k", ">= 0 (0 turns it off)", topK);
        require(topP > 0 && topP <= 1, "top_p", "in (0, 1]", topP);
        require(minP >= 0 && minP <= 1, "min_p", "in [0, 1]", minP);
        require(repetitionPenalty > 0 && repetitionPenalty < Double.POSITIVE_INFINITY,
                "repetition_penalty", "a finite number > 0 (1 turns it off)", repetitionPenalty);
        require(presencePenalty >= -2 && presencePenalty <= 2,
                "presence_penalty", "in [-2, 2]", presencePenalty);
        require(frequencyPenalty >= -2 && frequencyPenalty <= 2,
                "frequency_penalty", "in [-2, 2]", frequencyPenalty);
        require(maxTokens >= 1, "max_tokens", ">= 1", maxTokens);
        require(stopTokenIds != null, "stop_token_ids", "a set of token ids", null);
        for (Integer id : stopTokenIds) {
            require(id != null && id >= 0, "stop_token_ids", "token ids >= 0", id);
        }
        require(stopStrings != null, "stop", "a list of strings", null);
        require(stopStrings.size() <= MAX_STOP_STRINGS, "stop", "at most " + MAX_STOP_STRINGS + " strings",
                stopStrings.size());
        for (String s : stopStrings) {
            require(s != null && !s.isEmpty(), "stop", "non-empty strings", s == null ? null : "\"\"");
            require(s.length() <= MAX_STOP_CHARS, "stop", "strings of at most " + MAX_STOP_CHARS + " characters",
                    s.length() + " characters");
        }
        require(logitBias != null, "logit_bias", "a map of token ids to biases", null);
        require(logitBias.size() <= MAX_LOGIT_BIAS, "logit_bias", "at most " + MAX_LOGIT_BIAS + " entries",
                logitBias.size());
        for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
            require(e.getKey() != null && e.getKey() >= 0, "logit_bias", "keyed by token ids >= 0", e.getKey());
            Float bias = e.getValue();
            require(bias != null && bias >= -MAX_BIAS && bias <= MAX_BIAS, "logit_bias",
                    "biases in [-100, 100]", bias + " for token " + e.getKey());
        }
        require(logprobs >= -1 && logprobs <= MAX_LOGPROBS, "top_logprobs", "in [0, " + MAX_LOGPROBS + "]", logprobs);
        require(promptLogprobs >= -1 && promptLogprobs <= MAX_LOGPROBS, "prompt_logprobs",
                "in [0, " + MAX_LOGPROBS + "]", promptLogprobs);
        stopTokenIds = Set.copyOf(stopTokenIds);
        stopStrings = List.copyOf(stopStrings);
        logitBias = Map.copyOf(logitBias);
    }

    /** Plain sampling from the model's distribution: every stage off, temperature 1. */
    public static SamplingParams defaults() {
        return DEFAULTS;
    }

    /** The defaults with temperature 0: always the most likely token. */
    public static SamplingParams greedy() {
        return DEFAULTS.toBuilder().temperature(0).build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when the next token is the argmax and no randomness is involved: temperature below {@link #GREEDY_BELOW}. */
    public boolean isGreedy() {
        return temperature < GREEDY_BELOW;
    }

    /** True when any of the three penalties changes the logits. */
    public boolean hasPenalties() {
        return repetitionPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0;
    }

    /** True when each generated token's log-probability is reported. */
    public boolean wantsLogprobs() {
        return logprobs >= 0;
    }

    /** True when the prompt's log-probabilities are reported (the prompt is then computed whole). */
    public boolean wantsPromptLogprobs() {
        return promptLogprobs >= 0;
    }

    /** True when a logit bias is set. */
    public boolean hasLogitBias() {
        return !logitBias.isEmpty();
    }

    private static void require(boolean ok, String param, String allowed, Object got) {
        if (!ok) {
            throw new InvalidSamplingParamException(param, param + " must be " + allowed + ", got " + got);
        }
    }

    /** Collects values and validates them all at {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private double temperature;
        private int topK;
        private double topP;
        private double minP;
        private double repetitionPenalty;
        private double presencePenalty;
        private double frequencyPenalty;
        private Long seed;
        private int maxTokens;
        private Set<Integer> stopTokenIds;
        private List<String> stopStrings;
        private boolean ignoreEos;
        private Map<Integer, Float> logitBias;
        private int logprobs;
        private int promptLogprobs;

        private Builder(SamplingParams p) {
            temperature = p.temperature;
            topK = p.topK;
            topP = p.topP;
            minP = p.minP;
            repetitionPenalty = p.repetitionPenalty;
            presencePenalty = p.presencePenalty;
            frequencyPenalty = p.frequencyPenalty;
            seed = p.seed;
            maxTokens = p.maxTokens;
            stopTokenIds = p.stopTokenIds;
            stopStrings = p.stopStrings;
            ignoreEos = p.ignoreEos;
            logitBias = p.logitBias;
            logprobs = p.logprobs;
            promptLogprobs = p.promptLogprobs;
        }

        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder minP(double v) { minP = v; return this; }
        public Builder repetitionPenalty(double v) { repetitionPenalty = v; return this; }
        public Builder presencePenalty(double v) { presencePenalty = v; return this; }
        public Builder frequencyPenalty(double v) { frequencyPenalty = v; return this; }
        public Builder seed(Long v) { seed = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder stopTokenIds(Set<Integer> v) { stopTokenIds = v; return this; }
        public Builder stopStrings(List<String> v) { stopStrings = v; return this; }
        public Builder stopStrings(String... v) { stopStrings = Arrays.asList(v); return this; }
        public Builder ignoreEos(boolean v) { ignoreEos = v; return this; }
        public Builder logitBias(Map<Integer, Float> v) { logitBias = v; return this; }
        public Builder logprobs(int v) { logprobs = v; return this; }
        public Builder promptLogprobs(int v) { promptLogprobs = v; return this; }

        /** @throws InvalidSamplingParamException naming the first parameter out of range */
        public SamplingParams build() {
            return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                    frequencyPenalty, seed, maxTokens, stopTokenIds, stopStrings, ignoreEos, logitBias, logprobs, promptLogprobs);
        }
    }
}
