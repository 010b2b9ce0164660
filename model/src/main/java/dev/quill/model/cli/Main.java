package dev.quill.model.cli;

import java.util.Arrays;

/** The model module's commands: {@code generate} and {@code train}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] argv) {
        String command = argv.length == 0 ? "" : argv[0];
        String[] rest = argv.length == 0 ? argv : Arrays.copyOfRange(argv, 1, argv.length);
        switch (command) {
            case "generate" -> GenerateCommand.main(rest);
            case "train" -> TrainCommand.main(rest);
            default -> {
                System.err.println("usage: quill-model generate [--model DIR] --prompt TEXT [options]   (generate --help)\n"
                        + "       quill-model train --corpus FILE --out DIR [options]          (train --help)");
                System.exit(2);
            }
        }
    }
}
