package dev.quill.model.engine;

/** A submitted request. {@link #cancel} may be called from any thread, any number of times. */
public interface RequestHandle {

    long id();

    /** Takes the sequence out at the next step and frees its slot; the listener gets onDone(CANCELLED). */
    void cancel();
}
