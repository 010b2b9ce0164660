package dev.quill.model.cli;

import java.util.Arrays;

/** The model module's commands: {@code generate} (and later {@code train}). */
public final class Main {

    private Main() {
    }

    public static void main(String[] argv) {
        if (argv.length == 0 || !argv[0].equals("generate")) {
            System.err.println("usage: quill-model generate --model DIR --prompt TEXT [options]   (generate --help)");
            System.exit(2);
        }
        GenerateCommand.main(Arrays.copyOfRange(argv, 1, argv.length));
    }
}
