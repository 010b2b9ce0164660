package dev.quill.model.engine;

import dev.quill.model.sampling.TokenScores;

import java.util.ArrayList;
import java.util.List;

/** A {@link Collector} that also keeps the scores the engine reports, of the answer and of the prompt. */
class ScoreCollector extends Collector {

    final List<TokenScores> scores = new ArrayList<>();
    final List<TokenScores> promptScores = new ArrayList<>();
    int firstScoredPromptToken = -1;

    @Override
    public synchronized void onToken(String piece, int tokenId, TokenScores s) {
        if (tokenId >= 0) {
            scores.add(s);
        }
        onToken(piece, tokenId);
    }

    @Override
    public synchronized void onPromptScores(int first, List<TokenScores> s) {
        if (firstScoredPromptToken < 0) {
            firstScoredPromptToken = first;
        }
        if (first != firstScoredPromptToken + promptScores.size()) {
            throw new AssertionError("prompt scores out of order: " + first + " after " + promptScores.size());
        }
        promptScores.addAll(s);
    }
}
