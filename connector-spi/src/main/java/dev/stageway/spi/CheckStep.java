package dev.stageway.spi;

import java.util.List;
import java.util.Objects;

/**
 * One step of a connection test.
 *
 * @param name   what was tried ("STS GetCallerIdentity", "list s3://bucket/prefix/")
 * @param passed whether it worked
 * @param detail what was seen (an ARN and expiry, an object count) or what went wrong
 * @param hint   for a failed step, what to change; for a passed step, empty, or a warning's advice
 */
public record CheckStep(String name, boolean passed, String detail, String hint) {
    public CheckStep {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(detail, "detail is null");
        Objects.requireNonNull(hint, "hint is null");
    }

    public static CheckStep passed(String name, String detail) {
        return new CheckStep(name, true, detail, "");
    }

    public static CheckStep failed(String name, String detail, String hint) {
        return new CheckStep(name, false, detail, hint);
    }

    /** A step that did not stop anything, but found something worth changing. */
    public static CheckStep warning(String name, String detail, String hint) {
        return new CheckStep(name, true, detail, hint);
    }

    /** Passed, with advice to act on. */
    public boolean warns() {
        return passed && !hint.isEmpty();
    }

    /** One failed step per configuration problem: a check stops there, before any network call. */
    public static List<CheckStep> ofProblems(List<dev.stageway.config.Problem> problems) {
        return problems.stream().map(p -> failed("configuration", p.toString(), "fix the property named")).toList();
    }
}
