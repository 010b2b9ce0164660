package dev.quill.model.template.jinja;

import dev.quill.model.template.jinja.Expr.Args;
import dev.quill.model.template.jinja.Token.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an expression around its operators: list and dict literals, {@code .attr},
 * {@code [key]} and {@code [start:stop:step]}, call arguments, integer literals. {@link ExprParser}
 * adds the operators on top.
 */
abstract class PostfixParser {

    final TokenStream ts;

    PostfixParser(TokenStream ts) {
        this.ts = ts;
    }

    /** A full expression, with conditionals (what a subscript or an argument holds). */
    abstract Expr expression();

    /** A literal, name, parenthesised expression, list or dict. */
    abstract Expr primary();

    static Long integer(String text) {
        String s = text.toLowerCase();
        if (s.startsWith("0x")) {
            return Long.parseLong(s.substring(2), 16);
        }
        if (s.startsWith("0o")) {
            return Long.parseLong(s.substring(2), 8);
        }
        if (s.startsWith("0b")) {
            return Long.parseLong(s.substring(2), 2);
        }
        return Long.parseLong(s);
    }

    Expr list() {
        ts.expectOperator("[");
        List<Expr> items = new ArrayList<>();
        while (!ts.current().isOperator("]")) {
            if (!items.isEmpty()) {
                ts.expectOperator(",");
            }
            if (ts.current().isOperator("]")) {
                break;
            }
            items.add(expression());
        }
        ts.expectOperator("]");
        return new Expr.ListLiteral(items);
    }

    Expr dict() {
        ts.expectOperator("{");
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!ts.current().isOperator("}")) {
            if (!keys.isEmpty()) {
                ts.expectOperator(",");
            }
            if (ts.current().isOperator("}")) {
                break;
            }
            keys.add(expression());
            ts.expectOperator(":");
            values.add(expression());
        }
        ts.expectOperator("}");
        return new Expr.DictLiteral(keys, values);
    }

    Expr postfix(Expr node) {
        while (true) {
            if (ts.current().isOperator(".") || ts.current().isOperator("[")) {
                node = subscript(node);
            } else if (ts.current().isOperator("(")) {
                node = new Expr.Call(node, args());
            } else {
                return node;
            }
        }
    }

    private Expr subscript(Expr node) {
        Token t = ts.next();
        if (t.isOperator(".")) {
            Token attr = ts.next();
            if (attr.type() == Type.NAME) {
                return new Expr.GetAttr(node, attr.value());
            }
            if (attr.type() == Type.INTEGER) {
                return new Expr.GetItem(node, new Expr.Const(integer(attr.value())));
            }
            throw ts.fail("expected name or number");
        }
        List<Expr> keys = new ArrayList<>();
        while (!ts.current().isOperator("]")) {
            if (!keys.isEmpty()) {
                ts.expectOperator(",");
            }
            keys.add(subscribed());
        }
        ts.expectOperator("]");
        return new Expr.GetItem(node, keys.size() == 1 ? keys.get(0) : new Expr.TupleLiteral(keys));
    }

    private Expr subscribed() {
        List<Expr> parts = new ArrayList<>();
        if (ts.current().isOperator(":")) {
            ts.next();
            parts.add(null);
        } else {
            Expr e = expression();
            if (!ts.skipOperator(":")) {
                return e;
            }
            parts.add(e);
        }
        parts.add(ts.current().isOperator("]") || ts.current().isOperator(",") || ts.current().isOperator(":")
                ? null : expression());
        if (ts.skipOperator(":")) {
            parts.add(ts.current().isOperator("]") || ts.current().isOperator(",") ? null : expression());
        } else {
            parts.add(null);
        }
        return new Expr.Slice(parts.get(0), parts.get(1), parts.get(2));
    }

    /** {@code (a, b, key=c, *xs, **kw)}. */
    Args args() {
        ts.expectOperator("(");
        List<Expr> positional = new ArrayList<>();
        Map<String, Expr> keywords = new LinkedHashMap<>();
        Expr varargs = null;
        Expr kwargs = null;
        boolean first = true;
        while (!ts.current().isOperator(")")) {
            if (!first) {
                ts.expectOperator(",");
                if (ts.current().isOperator(")")) {
                    break;
                }
            }
            first = false;
            if (ts.skipOperator("*")) {
                varargs = expression();
            } else if (ts.skipOperator("**")) {
                kwargs = expression();
            } else if (ts.current().type() == Type.NAME && ts.look().isOperator("=")) {
                String key = ts.next().value();
                ts.next();
                keywords.put(key, expression());
            } else {
                if (!keywords.isEmpty() || varargs != null || kwargs != null) {
                    throw ts.fail("Invalid argument syntax");
                }
                positional.add(expression());
            }
        }
        ts.expectOperator(")");
        return new Args(positional, keywords, varargs, kwargs);
    }
}
