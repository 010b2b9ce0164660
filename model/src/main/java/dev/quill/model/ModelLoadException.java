package dev.quill.model;

import java.nio.file.Path;

/**
 * A model folder could not be loaded. The message always names the file and the problem, so a
 * user can fix the folder without reading a stack trace.
 */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ModelLoadException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
