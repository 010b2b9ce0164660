package dev.quill.model.engine;

import dev.quill.model.decoder.ChunkScores;
import dev.quill.model.sampling.TokenScores;

import java.util.ArrayList;
import java.util.List;

/** Hands a scored prompt chunk's log-probabilities to its sequence's listener. Engine thread only. */
final class PromptScores {
    private PromptScores() {
    }

    /** Chunk {@code c} starts at position {@code start}, so its entry i scores prompt token {@code start + 1 + i}. */
    static void deliver(StepPlan.Chunk c, ChunkScores scores) {
        Sequence s = c.sequence();
        if (s.cancelled()) {
            return;
        }
        List<TokenScores> list = new ArrayList<>(scores.logprobs().length);
        for (int i = 0; i < scores.logprobs().length; i++) {
            list.add(new TokenScores(s.tokens[c.start() + 1 + i], scores.logprobs()[i], scores.topIds()[i],
                    scores.topLogprobs()[i]));
        }
        s.emitPromptScores(c.start() + 1, list);
    }
}
