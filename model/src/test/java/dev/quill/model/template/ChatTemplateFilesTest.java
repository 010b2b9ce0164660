package dev.quill.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateFilesTest {

    private static final List<ChatMessage> HI = List.of(new ChatMessage("user", "hi"));

    private static String render(Path dir, String fromConfig) {
        return ChatTemplateFiles.load(dir, fromConfig, "<s>", "</s>").render(HI, false, null).text();
    }

    @Test
    void chatTemplateJinjaOverridesTheTokenizerConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("chat_template.jinja"), "jinja:{{ messages[0].content }}\n");
        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"json\"}");

        assertThat(render(dir, "config")).isEqualTo("jinja:hi");
    }

    @Test
    void chatTemplateJsonComesNextAsStringOrNamedList(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"json:{{ bos_token }}\"}");
        assertThat(render(dir, "config")).isEqualTo("json:<s>");

        Files.writeString(dir.resolve("chat_template.json"),
                "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"t\"}, {\"name\": \"default\", \"template\": \"d\"}]}");
        assertThat(render(dir, "config")).isEqualTo("d");
    }

    @Test
    void theTokenizerConfigsTemplateThenChatMl(@TempDir Path dir) {
        assertThat(render(dir, "config:{{ eos_token }}")).isEqualTo("config:</s>");
        assertThat(render(dir, null)).isEqualTo("<|im_start|>user\nhi<|im_end|>\n");
    }
}
