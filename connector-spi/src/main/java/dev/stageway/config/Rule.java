package dev.stageway.config;

import java.util.List;

/**
 * A check that involves several properties (keys come as a pair, an External Id needs a role
 * ARN). It sees only values that parsed; each problem names every property involved.
 */
@FunctionalInterface
public interface Rule {
    List<Problem> check(ParsedProperties properties);
}
