package dev.stageway.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class StsEndpointsTest {
    @Test
    void usesTheRegionalEndpointEvenInUsEast1() {
        assertEquals(URI.create("https://sts.us-east-1.amazonaws.com"), StsEndpoints.resolve(Region.US_EAST_1, Optional.empty()));
        assertEquals(URI.create("https://sts.eu-west-1.amazonaws.com"), StsEndpoints.resolve(Region.EU_WEST_1, Optional.empty()));
        assertEquals(URI.create("https://sts.cn-north-1.amazonaws.com.cn"), StsEndpoints.resolve(Region.CN_NORTH_1, Optional.empty()));
    }

    @Test
    void anOverrideWins() {
        URI vpc = URI.create("https://vpce-0abc.sts.us-west-2.vpce.amazonaws.com");
        assertEquals(vpc, StsEndpoints.resolve(Region.US_WEST_2, Optional.of(vpc)));
    }
}
