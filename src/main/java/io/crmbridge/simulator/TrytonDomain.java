package io.crmbridge.simulator;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluates Tryton search domains: lists of {@code [field, operator, value]} clauses joined by AND unless
 * the list starts with {@code "OR"}, nested lists allowed; and tells which values a domain pins a field to.
 */
final class TrytonDomain {

    private TrytonDomain() {
    }

    /** Tells whether {@code row} matches {@code domain}; throws a UserError on clauses it cannot read. */
    static boolean matches(Object domain, Map<String, Object> row, String model) {
        if (domain == null) {
            return true;
        }
        if (!(domain instanceof List<?> list)) {
            throw invalid(domain, model);
        }
        boolean or = !list.isEmpty() && "OR".equals(list.get(0));
        boolean skipFirst = !list.isEmpty() && ("OR".equals(list.get(0)) || "AND".equals(list.get(0)));
        boolean any = false;
        boolean all = true;
        for (int i = skipFirst ? 1 : 0; i < list.size(); i++) {
            boolean match = element(list.get(i), row, model);
            any |= match;
            all &= match;
        }
        return or ? any : all;
    }

    /**
     * Gives the values {@code field} can have in a record that matches {@code domain}, normalized, when the
     * domain names them all with {@code =} or {@code in}; null when a matching record could have any other
     * value. An index can then hand out only those records, which still have to match the whole domain.
     */
    static Set<Object> pinnedValues(Object domain, String field) {
        if (!(domain instanceof List<?> list)) {
            return null;
        }
        boolean or = !list.isEmpty() && "OR".equals(list.get(0));
        boolean skipFirst = !list.isEmpty() && ("OR".equals(list.get(0)) || "AND".equals(list.get(0)));
        Set<Object> result = null;
        for (int i = skipFirst ? 1 : 0; i < list.size(); i++) {
            Set<Object> one = pinnedByElement(list.get(i), field);
            if (or && one == null) {
                return null;
            }
            if (one != null && result == null) {
                result = new LinkedHashSet<>(one);
            } else if (one != null && or) {
                result.addAll(one);
            } else if (one != null) {
                result.retainAll(one);
            }
        }
        return result;
    }

    private static Set<Object> pinnedByElement(Object element, String field) {
        if (element instanceof List<?> clause && clause.size() == 3 && clause.get(0) instanceof String name
                && !name.equals("OR") && !name.equals("AND") && clause.get(1) instanceof String operator) {
            if (!name.equals(field)) {
                return null;
            }
            Object value = clause.get(2);
            if (operator.equals("=") && value != null) {
                return Set.of(canonical(value));
            }
            if (operator.equals("in") && value instanceof List<?> values && !values.contains(null)) {
                Set<Object> result = new LinkedHashSet<>();
                values.forEach(v -> result.add(canonical(v)));
                return result;
            }
            return null;
        }
        return pinnedValues(element, field);
    }

    /** Normalizes a value so that values {@link #same} takes as equal are also equal as set members. */
    private static Object canonical(Object value) {
        Object normalized = normalize(value);
        return normalized instanceof BigDecimal decimal ? decimal.stripTrailingZeros() : normalized;
    }

    private static boolean element(Object element, Map<String, Object> row, String model) {
        if (element instanceof List<?> clause && clause.size() == 3 && clause.get(0) instanceof String field
                && !field.equals("OR") && !field.equals("AND") && clause.get(1) instanceof String operator) {
            if (!row.containsKey(field)) {
                throw invalid(clause, model);
            }
            Object actual = row.get(field);
            // A one2many clause holds when any id matches, and a negated one when every id does.
            if (actual instanceof Collection<?> ids) {
                boolean negated = operator.startsWith("not") || operator.equals("!=");
                return negated
                        ? ids.stream().allMatch(id -> test(id, operator, clause.get(2), clause, model))
                        : ids.stream().anyMatch(id -> test(id, operator, clause.get(2), clause, model));
            }
            return test(actual, operator, clause.get(2), clause, model);
        }
        return matches(element, row, model);
    }

    private static boolean test(Object actual, String operator, Object expected, Object clause,
            String model) {
        return switch (operator) {
            case "=" -> same(actual, expected);
            case "!=" -> !same(actual, expected);
            case "in" -> expected instanceof List<?> values && values.stream().anyMatch(v -> same(actual, v));
            case "not in" -> expected instanceof List<?> values
                    && values.stream().noneMatch(v -> same(actual, v));
            case "like" -> like(actual, expected, false);
            case "ilike" -> like(actual, expected, true);
            case "not like" -> !like(actual, expected, false);
            case "not ilike" -> !like(actual, expected, true);
            case "<", "<=", ">", ">=" -> ordered(actual, operator, expected, clause, model);
            default -> throw invalid(clause, model);
        };
    }

    private static boolean same(Object actual, Object expected) {
        Object a = normalize(actual);
        Object b = normalize(expected);
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        return Objects.equals(a, b);
    }

    private static boolean ordered(Object actual, String operator, Object expected, Object clause,
            String model) {
        Object a = normalize(actual);
        Object b = normalize(expected);
        if (a == null || b == null) {
            return false;
        }
        int c;
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            c = x.compareTo(y);
        } else if (a instanceof String x && b instanceof String y) {
            c = x.compareTo(y);
        } else {
            throw invalid(clause, model);
        }
        return switch (operator) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    /** Matches SQL LIKE patterns: {@code %} any run, {@code _} one character, backslash escapes. */
    private static boolean like(Object actual, Object pattern, boolean ignoreCase) {
        if (!(actual instanceof String text) || !(pattern instanceof String sql)) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\\' && i + 1 < sql.length()) {
                regex.append(Pattern.quote(String.valueOf(sql.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        int flags = Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        return Pattern.compile(regex.toString(), flags).matcher(text).matches();
    }

    /** Brings JSON numbers and Tryton Decimal objects to BigDecimal so 1, 1.0 and Decimal("1") agree. */
    static Object normalize(Object value) {
        if (value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString());
        }
        if (value instanceof Map<?, ?> map && "Decimal".equals(map.get("__class__"))
                && map.get("decimal") instanceof String text) {
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                return value;
            }
        }
        return value;
    }

    private static RpcError invalid(Object clause, String model) {
        return new RpcError("Invalid domain in \"" + model + "\": " + clause, "");
    }
}
