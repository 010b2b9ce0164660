package dev.quill.model.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.util.ObjectTruthValue;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * jinja2's tests ({@code x is none}, {@code is defined}, {@code is string}, ...) with Python's
 * answers. Jinjava's differ where it matters: null is its only "none", and it does not count a
 * string or a dict as iterable.
 */
final class PythonTests {

    private PythonTests() {}

    static List<ExpTest> all() {
        return List.of(
                test("none", v -> v == PyNone.NONE),
                test("defined", v -> v != null),
                test("undefined", v -> v == null),
                test("string", PythonTests::isString),
                test("mapping", v -> v instanceof Map),
                // jinja2's Undefined is iterable (and empty), so null counts too.
                test("iterable", v -> v == null || isString(v) || v instanceof Collection || v instanceof Map),
                test("sequence", v -> v == null || isString(v) || v instanceof Collection || v instanceof Map),
                test("number", v -> v instanceof Number || v instanceof Boolean),
                test("integer", PyStr::isInteger),
                test("float", PyStr::isFloat),
                test("boolean", v -> v instanceof Boolean),
                test("true", Boolean.TRUE::equals),
                test("false", Boolean.FALSE::equals),
                test("lower", v -> isString(v) && (boolean) PyStrings.call(v.toString(), "islower", new Object[0]).orElseThrow()),
                test("upper", v -> isString(v) && (boolean) PyStrings.call(v.toString(), "isupper", new Object[0]).orElseThrow()));
    }

    /** Python truthiness; {@link PyNone} is falsy through Jinjava's own rules. */
    static boolean truthy(Object v) {
        return ObjectTruthValue.evaluate(v);
    }

    private static boolean isString(Object v) {
        return v instanceof CharSequence || v instanceof SafeString;
    }

    private static ExpTest test(String name, Predicate<Object> predicate) {
        return new ExpTest() {
            @Override
            public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
                return predicate.test(var);
            }

            @Override
            public String getName() {
                return name;
            }
        };
    }
}
