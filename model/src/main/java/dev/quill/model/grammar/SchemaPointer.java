package dev.quill.model.grammar;

import com.google.gson.JsonElement;

/** Resolves a local {@code $ref} ({@code "#"} or {@code "#/$defs/Name"}, RFC 6901) inside the schema document. */
final class SchemaPointer {
    private SchemaPointer() {
    }

    /**
     * The schema {@code pointer} names in {@code root}.
     *
     * @param path where the {@code $ref} is, for the error
     * @throws UnsupportedSchemaException for a non-local reference or one that points nowhere
     */
    static JsonElement resolve(JsonElement root, String pointer, String path) {
        if (!pointer.startsWith("#")) {
            throw new UnsupportedSchemaException("$ref", path, "'" + pointer + "' is not local; only #/... is supported");
        }
        JsonElement at = root;
        String rest = pointer.substring(1);
        if (rest.isEmpty()) {
            return at;
        }
        if (!rest.startsWith("/")) {
            throw new UnsupportedSchemaException("$ref", path, "'" + pointer + "' is an anchor; only #/... is supported");
        }
        for (String raw : rest.substring(1).split("/", -1)) {
            String key = raw.replace("~1", "/").replace("~0", "~");
            if (at.isJsonObject() && at.getAsJsonObject().has(key)) {
                at = at.getAsJsonObject().get(key);
            } else if (at.isJsonArray() && key.matches("\\d+") && Integer.parseInt(key) < at.getAsJsonArray().size()) {
                at = at.getAsJsonArray().get(Integer.parseInt(key));
            } else {
                throw new UnsupportedSchemaException("$ref", path, "'" + pointer + "' points nowhere in the schema");
            }
        }
        return at;
    }
}
