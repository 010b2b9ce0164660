package dev.quill.model.template;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a model folder's chat template where transformers looks for it, in its order:
 * {@code chat_template.jinja} (the newer layout; it overrides the others), then
 * {@code chat_template.json} ({@code {"chat_template": ...}}, as processors save it), then the
 * {@code chat_template} of tokenizer_config.json; with none, {@link ChatTemplate#fallback}.
 * It logs which one it uses, and says so loudly when it falls back.
 */
public final class ChatTemplateFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ChatTemplateFiles.class);

    private ChatTemplateFiles() {}

    /**
     * @param fromTokenizerConfig tokenizer_config.json's template (its "default" when it is a named list), or null
     * @throws TemplateException of kind SYNTAX when the template found does not parse
     */
    public static ChatTemplate load(Path dir, String fromTokenizerConfig, String bosToken, String eosToken) {
        Path jinja = dir.resolve("chat_template.jinja");
        Path json = dir.resolve("chat_template.json");
        String source;
        String origin;
        if (Files.isRegularFile(jinja)) {
            source = read(jinja);
            origin = jinja.getFileName().toString();
        } else if (Files.isRegularFile(json) && fromJson(json) != null) {
            source = fromJson(json);
            origin = json.getFileName().toString();
        } else if (fromTokenizerConfig != null) {
            source = fromTokenizerConfig;
            origin = "tokenizer_config.json";
        } else {
            LOG.warn("{} has no chat template (no chat_template.jinja, chat_template.json or chat_template in "
                    + "tokenizer_config.json): falling back to ChatML, which this model may not have been trained on", dir);
            return ChatTemplate.fallback(bosToken, eosToken);
        }
        LOG.info("chat template of {}: {} ({} characters)", dir, origin, source.length());
        return ChatTemplate.of(source, bosToken, eosToken);
    }

    /** chat_template.json's template: a string, or a list of {name, template} of which "default" is used. */
    private static String fromJson(Path file) {
        JsonElement root;
        try {
            root = JsonParser.parseString(read(file));
        } catch (RuntimeException e) {
            throw new TemplateException(TemplateException.Kind.SYNTAX, file + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonElement t = root.isJsonObject() ? root.getAsJsonObject().get("chat_template") : null;
        if (t == null || t.isJsonNull()) {
            return null;
        }
        if (t.isJsonPrimitive()) {
            return t.getAsString();
        }
        for (JsonElement item : t.getAsJsonArray()) {
            JsonObject named = item.getAsJsonObject();
            if ("default".equals(named.get("name").getAsString())) {
                return named.get("template").getAsString();
            }
        }
        return null;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
