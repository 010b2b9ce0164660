package dev.quill.model.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.ModelLoadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Quill needs from tokenizer_config.json. Read here rather than by DJL, whose reader does not
 * understand the AddedToken objects ({@code {"content": "<s>", "lstrip": false, ...}}) that real
 * configs use for special tokens.
 *
 * @param bosToken beginning-of-sequence token text, or null
 * @param eosToken end-of-sequence token text, or null
 * @param chatTemplate the Jinja chat template, or null when the model has none
 * @param addBosToken whether a raw (non-chat) prompt starts with the bos token
 */
public record TokenizerConfig(String bosToken, String eosToken, String chatTemplate, boolean addBosToken) {

    /** A folder without tokenizer_config.json: no special tokens, no template. */
    public static final TokenizerConfig NONE = new TokenizerConfig(null, null, null, false);

    public static TokenizerConfig read(Path dir) {
        Path file = dir.resolve("tokenizer_config.json");
        if (!Files.exists(file)) {
            return NONE;
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelLoadException(file, "malformed JSON: " + e.getMessage(), e);
        }
        JsonElement addBos = o.get("add_bos_token");
        return new TokenizerConfig(tokenText(o.get("bos_token")), tokenText(o.get("eos_token")),
                template(file, o.get("chat_template")), addBos != null && !addBos.isJsonNull() && addBos.getAsBoolean());
    }

    /** A token is a plain string or an AddedToken object carrying it in "content". */
    private static String tokenText(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            JsonElement content = e.getAsJsonObject().get("content");
            return content == null || content.isJsonNull() ? null : content.getAsString();
        }
        return e.getAsString();
    }

    /** chat_template is a string, or a list of {name, template} of which "default" is used. */
    private static String template(Path file, JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive()) {
            return e.getAsString();
        }
        if (e instanceof JsonArray list) {
            for (JsonElement item : list) {
                JsonObject t = item.getAsJsonObject();
                if ("default".equals(t.get("name").getAsString())) {
                    return t.get("template").getAsString();
                }
            }
            throw new ModelLoadException(file, "chat_template is a list without a 'default' entry");
        }
        throw new ModelLoadException(file, "chat_template must be a string or a list of named templates");
    }
}
