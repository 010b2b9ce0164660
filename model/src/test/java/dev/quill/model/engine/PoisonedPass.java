package dev.quill.model.engine;

import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.SequenceChunk;

import java.util.Arrays;
import java.util.List;

/**
 * The real decoder's forward pass, poisoned for chosen sequences: once a chunk of a target
 * sequence computes a position at or past {@code from}, a pass that includes it throws, or
 * returns NaN logits for it. A target is recognised by its prompt, the first chunk of its slot.
 * Engine thread only; read its counters after the requests have ended.
 */
final class PoisonedPass implements ForwardPass {

    enum Poison { THROW, NAN }

    /** One sequence to poison: the one whose prompt is {@code prompt}. */
    record Target(int[] prompt, int from, Poison poison) {
    }

    private final Decoder decoder;
    private final List<Target> targets;
    private final int[] slots;   // per target: the slot it runs in, or -1
    int thrownPasses;            // passes that threw because a target was in them
    int passes;

    PoisonedPass(Decoder decoder, Target... targets) {
        this.decoder = decoder;
        this.targets = List.of(targets);
        this.slots = new int[targets.length];
        Arrays.fill(slots, -1);
    }

    @Override
    public float[][] forward(List<SequenceChunk> chunks) {
        passes++;
        int[] poisonedRow = new int[targets.size()];
        Arrays.fill(poisonedRow, -1);
        for (int j = 0; j < chunks.size(); j++) {
            SequenceChunk c = chunks.get(j);
            for (int t = 0; t < targets.size(); t++) {
                if (c.start() == 0) { // a new sequence in this slot: is it the target?
                    slots[t] = Arrays.equals(c.tokens(), targets.get(t).prompt()) ? c.slot()
                            : slots[t] == c.slot() ? -1 : slots[t];
                }
                if (c.slot() == slots[t] && c.end() > targets.get(t).from()) {
                    poisonedRow[t] = j;
                }
            }
        }
        for (int t = 0; t < targets.size(); t++) {
            if (poisonedRow[t] >= 0 && targets.get(t).poison() == Poison.THROW) {
                thrownPasses++;
                throw new IllegalStateException("poisoned pass: slot " + slots[t] + " fails");
            }
        }
        float[][] logits = decoder.forward(chunks);
        for (int t = 0; t < targets.size(); t++) {
            if (poisonedRow[t] >= 0) {
                Arrays.fill(logits[poisonedRow[t]], Float.NaN);
            }
        }
        return logits;
    }
}
