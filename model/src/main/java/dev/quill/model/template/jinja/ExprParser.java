package dev.quill.model.template.jinja;

import dev.quill.model.template.jinja.Expr.Args;
import dev.quill.model.template.jinja.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expressions, with jinja2's grammar and precedence (lowest first): conditional {@code x if c else y},
 * {@code or}, {@code and}, {@code not}, comparisons and {@code in}, {@code + -}, {@code ~},
 * {@code * / // %}, {@code **}, unary {@code - +}, then primaries with {@code .attr}, {@code [key]},
 * calls, {@code | filter} and {@code is test}. So {@code not x | length == 1} is
 * {@code not ((x | length) == 1)} and {@code -1 | abs} is {@code (-1) | abs}.
 */
class ExprParser extends PostfixParser {

    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");

    ExprParser(TokenStream ts) {
        super(ts);
    }

    @Override
    Expr expression() {
        return conditional(true);
    }

    private Expr conditional(boolean withConditional) {
        Expr expr = or();
        while (withConditional && ts.skipName("if")) {
            Expr test = or();
            Expr orElse = ts.skipName("else") ? conditional(true) : null;
            expr = new Expr.Conditional(test, expr, orElse);
        }
        return expr;
    }

    private Expr or() {
        Expr left = and();
        while (ts.skipName("or")) {
            left = new Expr.Logic("or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (ts.skipName("and")) {
            left = new Expr.Logic("and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (ts.skipName("not")) {
            return new Expr.Unary("not", not());
        }
        return compare();
    }

    private Expr compare() {
        Expr first = math1();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = ts.current();
            if (t.type() == Type.OPERATOR && COMPARE.contains(t.value())) {
                ts.next();
                ops.add(t.value());
            } else if (ts.skipName("in")) {
                ops.add("in");
            } else if (t.isName("not") && ts.look().isName("in")) {
                ts.next();
                ts.next();
                ops.add("not in");
            } else {
                break;
            }
            rest.add(math1());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, rest);
    }

    private Expr math1() {
        Expr left = concat();
        while (ts.current().isOperator("+") || ts.current().isOperator("-")) {
            String op = ts.next().value();
            left = new Expr.Binary(op, left, concat());
        }
        return left;
    }

    private Expr concat() {
        List<Expr> parts = new ArrayList<>(List.of(math2()));
        while (ts.skipOperator("~")) {
            parts.add(math2());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Concat(parts);
    }

    private Expr math2() {
        Expr left = pow();
        while (Set.of("*", "/", "//", "%").contains(ts.current().value()) && ts.current().type() == Type.OPERATOR) {
            String op = ts.next().value();
            left = new Expr.Binary(op, left, pow());
        }
        return left;
    }

    private Expr pow() {
        Expr left = unary(true);
        while (ts.skipOperator("**")) {
            left = new Expr.Binary("**", left, unary(true));
        }
        return left;
    }

    private Expr unary(boolean withFilter) {
        Expr node;
        if (ts.current().isOperator("-") || ts.current().isOperator("+")) {
            String op = ts.next().value();
            node = new Expr.Unary(op, unary(false));
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilter ? filters(node) : node;
    }

    @Override
    Expr primary() {
        Token t = ts.current();
        switch (t.type()) {
            case NAME -> {
                ts.next();
                return switch (t.value()) {
                    case "true", "True" -> new Expr.Const(true);
                    case "false", "False" -> new Expr.Const(false);
                    case "none", "None" -> new Expr.Const(PyNone.NONE);
                    default -> new Expr.Name(t.value());
                };
            }
            case STRING -> {
                StringBuilder s = new StringBuilder(ts.next().value());
                while (ts.current().type() == Type.STRING) { // adjacent literals join, as in Python
                    s.append(ts.next().value());
                }
                return new Expr.Const(s.toString());
            }
            case INTEGER -> {
                ts.next();
                return new Expr.Const(integer(t.value()));
            }
            case FLOAT -> {
                ts.next();
                return new Expr.Const(Double.parseDouble(t.value()));
            }
            default -> { }
        }
        if (ts.skipOperator("(")) {
            Expr e = tuple(false, true, Set.of(), true);
            ts.expectOperator(")");
            return e;
        }
        if (ts.current().isOperator("[")) {
            return list();
        }
        if (ts.current().isOperator("{")) {
            return dict();
        }
        throw ts.fail("unexpected " + t.describe());
    }

    /**
     * jinja2's parse_tuple: one expression, or several separated by commas as a tuple.
     * {@code simplified} parses only primaries (for-loop targets); {@code endNames} stop it early.
     */
    Expr tuple(boolean simplified, boolean withConditional, Set<String> endNames, boolean parenthesized) {
        List<Expr> items = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!items.isEmpty()) {
                ts.expectOperator(",");
            }
            if (tupleEnds(endNames)) {
                break;
            }
            items.add(simplified ? primary() : withConditional ? expression() : conditional(false));
            if (ts.current().isOperator(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (!isTuple) {
            if (!items.isEmpty()) {
                return items.get(0);
            }
            if (!parenthesized) {
                throw ts.fail("Expected an expression, got " + ts.current().describe());
            }
        }
        return new Expr.TupleLiteral(items);
    }

    private boolean tupleEnds(Set<String> endNames) {
        Token t = ts.current();
        return t.type() == Type.PRINT_END || t.type() == Type.BLOCK_END || t.isOperator(")")
                || (t.type() == Type.NAME && endNames.contains(t.value()));
    }

    private Expr filters(Expr node) {
        while (true) {
            if (ts.current().isOperator("|")) {
                node = filter(node);
            } else if (ts.current().isName("is")) {
                node = test(node);
            } else if (ts.current().isOperator("(")) {
                node = new Expr.Call(node, args());
            } else {
                return node;
            }
        }
    }

    /** {@code | name(args)}, possibly chained; {@code value} is null in a filter block's head. */
    Expr filter(Expr value) {
        ts.expectOperator("|");
        return filterNamed(value);
    }

    /** A filter's name and arguments, without the leading '|' (a {@code filter} block's head). */
    Expr filterNamed(Expr value) {
        int line = ts.current().line();
        StringBuilder name = new StringBuilder(ts.expectName());
        while (ts.current().isOperator(".")) {
            ts.next();
            name.append('.').append(ts.expectName());
        }
        Args args = ts.current().isOperator("(") ? args() : Args.NONE;
        return new Expr.Filter(value, name.toString(), args, line);
    }

    private Expr test(Expr value) {
        ts.next(); // is
        boolean negated = ts.skipName("not");
        int line = ts.current().line();
        String name = ts.expectName();
        while (ts.current().isOperator(".")) {
            ts.next();
            name += "." + ts.expectName();
        }
        Args args = Args.NONE;
        Token t = ts.current();
        if (t.isOperator("(")) {
            args = args();
        } else if ((t.type() == Type.NAME || t.type() == Type.STRING || t.type() == Type.INTEGER || t.type() == Type.FLOAT
                || t.isOperator("[") || t.isOperator("{"))
                && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            if (t.isName("is")) {
                throw ts.fail("You cannot chain multiple tests with is");
            }
            args = new Args(List.of(postfix(primary())), Map.of(), null, null);
        }
        Expr test = new Expr.Test(value, name, args, line);
        return negated ? new Expr.Unary("not", test) : test;
    }

}
