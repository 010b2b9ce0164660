package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Generated prompts and JSONL datasets. */
class PromptSourceTest {

    @TempDir
    Path dir;

    @Test
    void generatedPromptsHaveTheDrawnNumberOfWords() {
        PromptSource p = PromptSource.generated(Distribution.parse("12"));
        assertThat(p.prompt(0, 0, new Random(1)).split(" ")).hasSize(12);
    }

    @Test
    void datasetLinesArePromptsOrWholeConversations() throws Exception {
        Path file = dir.resolve("d.jsonl");
        Files.writeString(file, """
                {"turns": ["hi", "and then?"]}
                "one"

                {"prompt": "two"}
                """);
        PromptSource p = PromptSource.dataset(file);
        Random r = new Random(0);
        assertThat(p.prompt(0, 0, r)).isEqualTo("hi"); // conversation 0 takes line 1, a scripted conversation
        assertThat(p.prompt(0, 1, r)).isEqualTo("and then?");
        assertThat(p.prompt(0, 5, r)).isEqualTo("and then?"); // past its end: its last turn again
        assertThat(p.prompt(1, 0, r)).isEqualTo("one"); // line 2 is a prompt: turns take the prompt lines in order
        assertThat(p.prompt(1, 1, r)).isEqualTo("two");
        assertThat(p.prompt(2, 0, r)).isEqualTo("one");
        assertThat(p.prompt(3, 0, r)).isEqualTo("hi"); // from the top again
    }

    @Test
    void aBadLineIsNamed() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "\"fine\"\n{\"text\": 3}\n");
        assertThatThrownBy(() -> PromptSource.dataset(file)).hasMessageContaining("bad.jsonl:2");
    }
}
