package dev.stageway.aws;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;

/**
 * The one place that decides what a region property may hold: a region code ({@code us-west-2})
 * or the name the AWS console shows ({@code US West (Oregon)}), matched without regard to case,
 * accents or spacing. Names come from the SDK's region metadata, so new regions need no change here;
 * a well-formed code the metadata does not know yet is used as given, with a warning.
 */
public final class AwsRegions {
    private AwsRegions() {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AwsRegions.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    // Region codes: partition prefix, optional qualifiers (gov, iso...), direction, number.
    private static final Pattern REGION_CODE = Pattern.compile("[a-z]{2,5}(-[a-z]+)+-\\d{1,2}");

    static Optional<String> problem(String value) {
        return find(value).isPresent() ? Optional.empty()
                : Optional.of("must be an AWS region code such as us-west-2, or a region name as the console shows it such as "
                + "\"US West (Oregon)\", was '" + value + "'");
    }

    /** The region {@code value} names. */
    public static Region parse(String value) {
        return find(value).orElseThrow(() -> new IllegalArgumentException(problem(value).orElseThrow()));
    }

    private static Optional<Region> find(String value) {
        String v = value.strip();
        if (REGION_CODE.matcher(v).matches()) {
            Region region = Region.of(v);
            // New regions open before SDK metadata knows them: accepted, but said, in case it is a typo.
            if (!Region.regions().contains(region) && WARNED.add(v)) {
                LOG.warn("aws.region {} is not a region this version of the AWS SDK knows; it is used as given (a new region, "
                        + "or a typo such as us-west-22?)", v);
            }
            return Optional.of(region);
        }
        String wanted = normalize(v);
        return Region.regions().stream()
                .filter(r -> !r.isGlobalRegion() && r.metadata() != null)
                .filter(r -> normalize(r.metadata().description()).equals(wanted))
                .findFirst();
    }

    private static String normalize(String s) {
        String noAccents = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return noAccents.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replace("( ", "(").replace(" )", ")").strip();
    }
}
