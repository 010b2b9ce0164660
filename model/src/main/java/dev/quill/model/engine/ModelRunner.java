package dev.quill.model.engine;

import dev.quill.model.decoder.ChunkScores;
import dev.quill.model.decoder.SequenceChunk;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a step's forward pass (tensors, no policy), so that a pass that fails costs only the chunk
 * that made it fail.
 *
 * <p>One pass per step: every scheduled token, decodes and prompt chunks alike, is packed into one
 * ragged pass, so the step reads the weights once (a pass per prompt chunk read them once more for
 * each). When that pass throws, the step is run again apart: each prompt chunk in a pass of its own
 * and the decodes in one, which, if it throws too, is split in halves and run again down to single
 * chunks. Only a chunk that fails alone is lost: a failing prompt chunk costs one pass more than
 * the step, one culprit among B decodes about 2 log2(B) more, and only on that step.
 *
 * <p>Why running a chunk again is safe: a pass writes keys and values only at its own chunks'
 * positions {@code [start, start + n)}, in blocks only that sequence holds (BatchLayout.cacheWrite;
 * shared blocks lie below {@code start}), in each layer before
 * that layer reads them (Attention.forward), and never writes below {@code start}. A pass that
 * threw half way has therefore left, at most, some of those positions written; the retry
 * overwrites every one of them from the same tokens and the same untouched prefix, so the
 * healthy chunks get what an undisturbed pass would have given them (up to the float rounding of
 * a different batch shape). A chunk that fails alone is failed by the engine, which frees its blocks
 * keeping only the full ones computed by earlier steps, so its partial writes are never read as a
 * prefix; and no pass reads a block past its sequence's end (each chunk attends to its own blocks
 * up to its own end, see Attention.attendEach), so they cannot reach the block's next owner.
 *
 * <p>Engine thread only.
 */
final class ModelRunner {

    /** How a step's chunks are grouped into passes. */
    enum Passes {
        /** Every chunk of the step in one packed pass: the default. */
        ONE_PER_STEP,
        /**
         * The decodes in one pass and each prompt chunk in a pass of its own, as before packing: what
         * a failed packed pass falls back to, and a switch for EngineBenchmark's comparison.
         */
        PROMPT_CHUNKS_APART
    }

    private final ForwardPass pass;
    private final Passes passes;
    private final PromptScoring scoring; // null: prompt chunks are never scored

    ModelRunner(ForwardPass pass, Passes passes) {
        this(pass, passes, null);
    }

    /** With {@code scoring} for the prompt chunks of sequences that ask for prompt log-probabilities. */
    ModelRunner(ForwardPass pass, Passes passes, PromptScoring scoring) {
        this.pass = pass;
        this.passes = passes;
        this.scoring = scoring;
    }

    /**
     * What a step computed: for chunk i of the plan, {@code logits[i]} (its next-token logits), or
     * {@code failures[i]}, why it could not be computed; {@code scores[i]} for a scored prompt chunk.
     */
    record Output(float[][] logits, Throwable[] failures, ChunkScores[] scores) {
        Output(float[][] logits, Throwable[] failures) {
            this(logits, failures, new ChunkScores[logits.length]);
        }
    }

    Output execute(StepPlan plan) {
        List<StepPlan.Chunk> chunks = plan.chunks();
        Output out = new Output(new float[chunks.size()][], new Throwable[chunks.size()]);
        int scored = 0;
        for (int i = 0; i < chunks.size(); i++) {
            if (scored(chunks.get(i))) {
                score(chunks.get(i), i, out); // a pass of its own: its logits are read at every position
                scored++;
            }
        }
        int[] rows = new int[chunks.size() - scored]; // decode rows first, then the prompt chunks
        int decodes = 0;
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).tokens().length == 1 && !scored(chunks.get(i))) {
                rows[decodes++] = i;
            }
        }
        int next = decodes;
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).tokens().length > 1 && !scored(chunks.get(i))) {
                rows[next++] = i;
            }
        }
        if (rows.length == 0) {
            return out;
        }
        if (passes == Passes.ONE_PER_STEP && rows.length > 1 && pass(chunks, rows, 0, rows.length, out) == null) {
            return out;
        }
        // Apart: what a failed packed pass falls back to, so that a failing prompt chunk is run
        // again once, alone, rather than in every half on the way down to it.
        for (int j = decodes; j < rows.length; j++) {
            run(chunks, rows, j, j + 1, out);
        }
        if (decodes > 0) {
            run(chunks, rows, 0, decodes, out);
        }
        return out;
    }

    /** A prompt chunk of a sequence that asks for the prompt's log-probabilities. */
    private boolean scored(StepPlan.Chunk c) {
        return scoring != null && c.sequence().scoresPrompt() && c.start() < c.sequence().promptLength;
    }

    /**
     * Scores prompt chunk {@code c} (plan index i): position p predicts token p + 1, so a chunk
     * over {@code [start, end)} scores the prompt tokens {@code [start + 1, min(end, prompt))}; the
     * prompt's last position predicts the first generated token, which the sampler scores.
     */
    private void score(StepPlan.Chunk c, int i, Output out) {
        Sequence s = c.sequence();
        int end = Math.min(c.start() + c.tokens().length, s.promptLength - 1);
        int[] targets = java.util.Arrays.copyOfRange(s.tokens, c.start() + 1, Math.max(c.start() + 1, end + 1));
        try {
            ChunkScores scores = scoring.forward(new SequenceChunk(s.slot, c.start(), c.tokens(), s.blocks), targets,
                    s.params.promptLogprobs());
            out.logits()[i] = scores.lastLogits();
            out.scores()[i] = scores;
        } catch (RuntimeException | Error e) {
            out.failures()[i] = e;
        }
    }

    /** Runs the chunks {@code rows[from, to)} in one pass; if it throws, each half again, down to the culprit. */
    private void run(List<StepPlan.Chunk> chunks, int[] rows, int from, int to, Output out) {
        Throwable failure = pass(chunks, rows, from, to, out);
        if (failure == null) {
            return;
        }
        if (to - from == 1) {
            out.failures()[rows[from]] = failure;
            return;
        }
        int mid = (from + to) >>> 1;
        run(chunks, rows, from, mid, out);
        run(chunks, rows, mid, to, out);
    }

    /** One pass over the chunks {@code rows[from, to)}: fills their logits, or returns why it failed. */
    private Throwable pass(List<StepPlan.Chunk> chunks, int[] rows, int from, int to, Output out) {
        List<SequenceChunk> batch = new ArrayList<>(to - from);
        for (int j = from; j < to; j++) {
            StepPlan.Chunk c = chunks.get(rows[j]);
            batch.add(new SequenceChunk(c.sequence().slot, c.start(), c.tokens(), c.sequence().blocks));
        }
        try {
            float[][] logits = pass.forward(batch);
            if (logits.length != batch.size()) {
                throw new IllegalStateException(logits.length + " rows of logits for " + batch.size() + " chunks");
            }
            for (int j = from; j < to; j++) {
                out.logits()[rows[j]] = logits[j - from];
            }
            return null;
        } catch (RuntimeException | Error e) {
            // Errors too: a pass that runs out of stack or heap on one huge chunk is that chunk's failure
            return e;
        }
    }
}
