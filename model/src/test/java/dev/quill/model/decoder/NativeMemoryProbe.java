package dev.quill.model.decoder;

/** Lets tests outside this package count a decoder's live native arrays. */
public final class NativeMemoryProbe {

    private NativeMemoryProbe() {
    }

    public static long liveArrays(Decoder decoder) throws ReflectiveOperationException {
        return NativeMemoryTest.liveResources(decoder.manager());
    }
}
