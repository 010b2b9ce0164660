package dev.quill.model.sampling;

/**
 * Log-probabilities of one position, from logits the sampler has already adjusted: log-softmax of
 * {@code x / T} in double, then the chosen token and the {@code top} best. O(V) for the
 * normaliser plus O(V log top) for the selection, and only for requests that ask.
 */
final class LogSoftmax {
    private LogSoftmax() {
    }

    /**
     * @param x adjusted logits (vocab), only read; -inf is a token that cannot come
     * @param inverseTemperature 1 / T (1 for greedy, whose point mass would say nothing)
     * @param token the chosen id
     * @param top alternatives wanted, 0 to {@link SamplingParams#MAX_LOGPROBS}
     */
    static TokenScores score(float[] x, double inverseTemperature, int token, int top) {
        float max = x[Ranking.argmax(x)];
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(((double) v - max) * inverseTemperature);
        }
        double logZ = Math.log(sum); // log Σ exp((x - max) / T)
        int k = Math.min(top, x.length);
        int[] ids = k == 0 ? new int[0] : TopK.select(x, k);
        float[] lps = new float[k];
        for (int i = 0; i < k; i++) {
            lps[i] = logprob(x[ids[i]], max, inverseTemperature, logZ);
        }
        return new TokenScores(token, logprob(x[token], max, inverseTemperature, logZ), ids, lps);
    }

    private static float logprob(float v, float max, double inverseTemperature, double logZ) {
        return v == Float.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY
                : (float) (((double) v - max) * inverseTemperature - logZ);
    }
}
