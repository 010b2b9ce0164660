package dev.quill.model.generate;

import dev.quill.model.decoder.ContextOverflowException;
import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.SequenceChunk;
import dev.quill.model.sampling.Sampler;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.sampling.StopStringMatcher;
import dev.quill.model.sampling.TokenHistory;
import dev.quill.model.tokenizer.StreamDecoder;
import dev.quill.model.tokenizer.TextTokenizer;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Generates one sequence at a time in one cache slot: the command line's loop, and the plain
 * path the batching engine is checked against. Prefill runs the whole prompt in one pass; each
 * decode step runs one token against the KV cache.
 *
 * <p>Not thread-safe: it drives a {@link Decoder}, which belongs to one thread.
 */
public final class Generator {

    private final Decoder decoder;
    private final TextTokenizer tokenizer;
    private final Set<Integer> eosIds;

    public Generator(Decoder decoder, TextTokenizer tokenizer, Set<Integer> eosIds) {
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.eosIds = Set.copyOf(eosIds);
    }

    /**
     * Generates from {@code prompt}, handing each piece of text to {@code sink} as soon as it is
     * whole (complete UTF-8 characters, no part of a stop string).
     *
     * @throws ContextOverflowException if the prompt leaves no room for one new token
     */
    public Generation generate(int[] prompt, SamplingParams params, Consumer<String> sink) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (prompt.length >= decoder.maxLength()) {
            throw new ContextOverflowException(prompt.length + 1, decoder.maxLength());
        }
        Sampler sampler = Sampler.of(params);
        TokenHistory history = new TokenHistory(prompt);
        StreamDecoder detok = new StreamDecoder(tokenizer);
        StopStringMatcher stops = new StopStringMatcher(params.stopStrings());
        StringBuilder text = new StringBuilder();
        int[] out = new int[Math.min(params.maxTokens(), decoder.maxLength() - prompt.length)];
        int n = 0;

        long t0 = System.nanoTime();
        float[] logits = decoder.forward(java.util.List.of(new SequenceChunk(0, 0, prompt)))[0];
        long prefill = System.nanoTime() - t0;
        FinishReason finish = FinishReason.LENGTH;
        long t1 = System.nanoTime();
        while (true) {
            int id = sampler.sample(logits, history);
            if (params.stopTokenIds().contains(id) || (!params.ignoreEos() && eosIds.contains(id))) {
                finish = FinishReason.STOP;
                break;
            }
            history.append(id);
            out[n++] = id;
            StopStringMatcher.Result r = stops.feed(detok.push(id));
            emit(r.text(), text, sink);
            if (r.stopped()) {
                finish = FinishReason.STOP;
                break;
            }
            if (n == out.length) {
                break;
            }
            int position = prompt.length + n - 1;
            logits = decoder.forward(java.util.List.of(new SequenceChunk(0, position, new int[] {id})))[0];
        }
        if (!stops.stopped()) {
            StopStringMatcher.Result r = stops.feed(detok.flush());
            emit(r.text(), text, sink);
            if (!r.stopped()) {
                emit(stops.flush(), text, sink);
            } else {
                finish = FinishReason.STOP;
            }
        }
        long decode = System.nanoTime() - t1;
        return new Generation(text.toString(), Arrays.copyOf(out, n), finish, prompt.length, prefill, decode);
    }

    private static void emit(String piece, StringBuilder text, Consumer<String> sink) {
        if (!piece.isEmpty()) {
            text.append(piece);
            sink.accept(piece);
        }
    }
}
