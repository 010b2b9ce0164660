package dev.quill.model.engine;

/**
 * Who owns each slot: a seat among the sequences decoded together, which names the sequence within
 * a pass. Keys and values live in the KV pool's blocks ({@link BlockPool}), not in the slot.
 * Bookkeeping only; engine thread only.
 */
final class SlotTable {

    private final Sequence[] owner;

    SlotTable(int slots) {
        owner = new Sequence[slots];
    }

    /** The lowest free slot, or -1 when every slot is owned. */
    int free() {
        for (int s = 0; s < owner.length; s++) {
            if (owner[s] == null) {
                return s;
            }
        }
        return -1;
    }

    void assign(int slot, Sequence seq) {
        owner[slot] = seq;
    }

    void release(int slot) {
        owner[slot] = null;
    }

    int slots() {
        return owner.length;
    }
}
