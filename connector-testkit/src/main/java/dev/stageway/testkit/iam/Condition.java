package dev.stageway.testkit.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One key under one operator of a statement's Condition block, such as
 * {@code "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team-*"]}}. The policy's values are
 * alternatives (any one may match); the statement needs every condition to hold.
 */
record Condition(String operatorText, ConditionOperator operator, SetQualifier qualifier, boolean ifExists, String key,
                 List<String> values, boolean variables) {

    enum SetQualifier { NONE, FOR_ANY_VALUE, FOR_ALL_VALUES }

    /**
     * Parses {@code [ForAnyValue:|ForAllValues:]Operator[IfExists]}.
     *
     * @param variables whether policy variables are substituted (policy version 2012-10-17)
     * @throws IllegalArgumentException naming what is wrong
     */
    static Condition parse(String operatorText, String key, List<String> values, boolean variables) {
        String rest = operatorText;
        SetQualifier qualifier = SetQualifier.NONE;
        if (rest.startsWith("ForAnyValue:")) {
            qualifier = SetQualifier.FOR_ANY_VALUE;
            rest = rest.substring("ForAnyValue:".length());
        } else if (rest.startsWith("ForAllValues:")) {
            qualifier = SetQualifier.FOR_ALL_VALUES;
            rest = rest.substring("ForAllValues:".length());
        }
        boolean ifExists = rest.endsWith("IfExists");
        if (ifExists) {
            rest = rest.substring(0, rest.length() - "IfExists".length());
        }
        ConditionOperator operator = ConditionOperator.named(rest).orElseThrow(() ->
                new IllegalArgumentException("unknown condition operator " + operatorText));
        if (operator == ConditionOperator.NULL && (ifExists || qualifier != SetQualifier.NONE)) {
            throw new IllegalArgumentException("unknown condition operator " + operatorText
                    + " (Null takes neither IfExists nor a set qualifier)");
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("condition " + operatorText + " on " + key + " has no values");
        }
        for (String v : values) {
            operator.invalidValue(v).ifPresent(problem -> {
                throw new IllegalArgumentException(problem + " (condition key " + key + ")");
            });
        }
        return new Condition(operatorText, operator, qualifier, ifExists, key, List.copyOf(values),
                variables && operator.takesVariables());
    }

    boolean holds(RequestContext context) {
        Optional<List<String>> actual = context.get(key);
        if (operator == ConditionOperator.NULL) {
            boolean absent = actual.isEmpty() || actual.get().isEmpty();
            return values.stream().anyMatch(v -> Boolean.parseBoolean(v) == absent);
        }
        if (actual.isEmpty() || actual.get().isEmpty()) {
            return switch (qualifier) {
                case FOR_ALL_VALUES -> true;        // vacuously: no value fails
                case FOR_ANY_VALUE -> false;        // no value to match
                case NONE -> ifExists || operator.negated;
            };
        }
        List<Wildcards.Glob> policyValues = resolved(context);
        return switch (qualifier) {
            case FOR_ALL_VALUES -> actual.get().stream().allMatch(v -> holdsFor(policyValues, v));
            case FOR_ANY_VALUE, NONE -> actual.get().stream().anyMatch(v -> holdsFor(policyValues, v));
        };
    }

    /** Positive operators: some policy value matches; negated ones: none does. */
    private boolean holdsFor(List<Wildcards.Glob> policyValues, String requestValue) {
        boolean any = policyValues.stream().anyMatch(p -> operator.matches(p, requestValue));
        return operator.negated != any;
    }

    private List<Wildcards.Glob> resolved(RequestContext context) {
        List<Wildcards.Glob> out = new ArrayList<>();
        for (String v : values) {
            if (variables) {
                Wildcards.substitute(v, context).ifPresent(out::add);   // an unresolved variable matches nothing
            } else {
                out.add(Wildcards.Glob.of(v));
            }
        }
        return out;
    }
}
