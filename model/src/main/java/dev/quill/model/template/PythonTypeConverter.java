package dev.quill.model.template;

import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.util.ObjectTruthValue;

/**
 * Jinjava's coercions with Python's answers: any non-empty string is true (Jinjava counts "false"
 * as false, so a user who answers "False" would change the prompt), and text made from a value
 * ({@code 'n=' ~ flag}) is Python's str(): True, None, 1e-05.
 */
final class PythonTypeConverter extends TruthyTypeConverter {

    static boolean truthy(Object value) {
        if (value instanceof CharSequence || value instanceof SafeString) {
            return !value.toString().isEmpty();
        }
        return ObjectTruthValue.evaluate(value);
    }

    @Override
    protected Boolean coerceToBoolean(Object value) {
        return truthy(value);
    }

    @Override
    protected String coerceToString(Object value) {
        if (value == null || value instanceof String) {
            return super.coerceToString(value);
        }
        return PyStr.str(value);
    }
}
