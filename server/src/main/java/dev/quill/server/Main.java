package dev.quill.server;

/** Entry point; commands arrive with the server. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("usage: quill serve [--config FILE] [flags]");
        System.exit(2);
    }
}
