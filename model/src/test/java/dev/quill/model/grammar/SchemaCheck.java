package dev.quill.model.grammar;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.util.List;

/**
 * An independent judge of constrained answers: Jackson parses the text strictly (one value,
 * nothing after it), and networknt's json-schema-validator checks it against the schema (draft
 * 2020-12), with no code shared with the grammar.
 */
public final class SchemaCheck {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Schema schema;

    public SchemaCheck(String schemaJson) {
        this.schema = REGISTRY.getSchema(schemaJson);
    }

    /** The problems with {@code answer}: empty when it parses and validates. */
    public List<String> problems(String answer) {
        JsonNode node;
        try {
            node = JSON.readTree(answer);
        } catch (Exception e) {
            return List.of("does not parse: " + e.getMessage());
        }
        return schema.validate(node).stream().map(Error::toString).toList();
    }
}
