package dev.quill.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.time.LocalDateTime;

/**
 * The functions a rewritten template calls. Jinjava binds functions to static methods, so anything
 * per render (the time) comes from the render's variables.
 */
final class TemplateFunctions {

    /** The variable holding the render's fixed "now", so both renders of one prompt agree. */
    static final String NOW = "__quill_now";

    private TemplateFunctions() {}

    /** transformers' {@code raise_exception(message)}: the template rejects the conversation. */
    public static Object raiseException(Object message) {
        throw new TemplateException(TemplateException.Kind.RAISED, PyStr.str(message));
    }

    /** transformers' {@code strftime_now(format)}. */
    public static String strftimeNow(Object format) {
        Object now = JinjavaInterpreter.getCurrent().getContext().get(NOW);
        return Strftime.format((LocalDateTime) now, PyStr.str(format));
    }

    /** What {@code {{ value }}} prints: Python's str(). */
    public static String str(Object value) {
        return PyStr.str(value);
    }

    /** Python truthiness for {@code {% if %}}, which Jinjava decides without the type converter. */
    public static boolean truth(Object value) {
        return PythonTypeConverter.truthy(value);
    }
}
