package dev.stageway.aws;

import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/** The one place that decides what a region property may hold. */
public final class AwsRegions {
    private AwsRegions() {
    }

    // Region codes: partition prefix, optional qualifier (gov, iso...), direction, number.
    private static final Pattern REGION_CODE = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    static Optional<String> problem(String value) {
        return REGION_CODE.matcher(value).matches() ? Optional.empty()
                : Optional.of("must be an AWS region code such as us-east-1 or eu-west-1, was '" + value + "'");
    }

    public static Region parse(String value) {
        problem(value).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return Region.of(value);
    }
}
