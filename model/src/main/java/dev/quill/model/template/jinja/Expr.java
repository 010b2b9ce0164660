package dev.quill.model.template.jinja;

import java.util.List;
import java.util.Map;

/** An expression of the template's AST; {@link Evaluator} gives each its Python meaning. */
sealed interface Expr {

    /** A literal: string, number, true/false, none. */
    record Const(Object value) implements Expr {}

    /** A variable. */
    record Name(String name) implements Expr {}

    record ListLiteral(List<Expr> items) implements Expr {}

    record TupleLiteral(List<Expr> items) implements Expr {}

    record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr {}

    /** {@code obj.name}: an attribute first (a method), then a key, as jinja2's sandbox does. */
    record GetAttr(Expr object, String name) implements Expr {}

    /** {@code obj[key]}: a key or index first, then an attribute. */
    record GetItem(Expr object, Expr key) implements Expr {}

    /** {@code [start:stop:step]} inside a subscript; each part may be null. */
    record Slice(Expr start, Expr stop, Expr step) implements Expr {}

    /** Arguments of a call, filter or test; {@code varargs} is {@code *xs}, {@code kwargs} is {@code **d}. */
    record Args(List<Expr> positional, Map<String, Expr> keywords, Expr varargs, Expr kwargs) {
        static final Args NONE = new Args(List.of(), Map.of(), null, null);
    }

    record Call(Expr callee, Args args) implements Expr {}

    /** {@code value | name(args)}; {@code value} is null in a {@code {% filter %}} block's chain. */
    record Filter(Expr value, String name, Args args, int line) implements Expr {}

    /** {@code value is name(args)}. */
    record Test(Expr value, String name, Args args, int line) implements Expr {}

    /** {@code not x}, {@code -x}, {@code +x}. */
    record Unary(String op, Expr operand) implements Expr {}

    /** {@code + - * / // % **}. */
    record Binary(String op, Expr left, Expr right) implements Expr {}

    /** {@code a and b}, {@code a or b}: Python's, giving an operand, not a bool. */
    record Logic(String op, Expr left, Expr right) implements Expr {}

    /** {@code a ~ b ~ c}: str() of each, joined. */
    record Concat(List<Expr> parts) implements Expr {}

    /** A comparison chain: {@code a < b <= c}, {@code x in xs}, {@code x not in xs}. */
    record Compare(Expr first, List<String> ops, List<Expr> rest) implements Expr {}

    /** {@code then if test else orElse}; orElse null gives Undefined. */
    record Conditional(Expr test, Expr then, Expr orElse) implements Expr {}
}
