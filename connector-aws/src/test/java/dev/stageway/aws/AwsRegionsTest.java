package dev.stageway.aws;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class AwsRegionsTest {
    @Test
    void acceptsCodesAndConsoleNames() {
        assertEquals(Region.US_WEST_2, AwsRegions.parse("us-west-2"));
        assertEquals(Region.US_WEST_2, AwsRegions.parse("US West (Oregon)"));
        assertEquals(Region.US_WEST_2, AwsRegions.parse("  us west  ( oregon ) "));
        assertEquals(Region.SA_EAST_1, AwsRegions.parse("South America (Sao Paulo)"));
        assertEquals(Region.US_GOV_WEST_1, AwsRegions.parse("us-gov-west-1"));
        assertEquals(Region.EU_CENTRAL_1, AwsRegions.parse("Europe (Frankfurt)"));
        assertEquals(Region.of("mars-north-9"), AwsRegions.parse("mars-north-9"), "a well-formed code not known yet is used, with a warning");
    }

    @Test
    void refusesAnythingElseSayingWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AwsRegions.parse("Oregon"));
        assertEquals("must be an AWS region code such as us-west-2, or a region name as the console shows it such as "
                + "\"US West (Oregon)\", was 'Oregon'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AwsRegions.parse("aws-global"));
    }
}
