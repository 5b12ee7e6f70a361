package dev.stageway.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointParams;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointProvider;

/**
 * Decides which STS endpoint a connection calls: the override when given, else the regional
 * endpoint of its region (never the global one, which adds a cross-region hop and fails
 * when us-east-1 is impaired).
 */
public final class StsEndpoints {
    private StsEndpoints() {
    }

    public static URI resolve(Region region, Optional<URI> override) {
        if (override.isPresent()) {
            return override.get();
        }
        StsEndpointParams params = StsEndpointParams.builder().region(region).useGlobalEndpoint(false).build();
        return StsEndpointProvider.defaultProvider().resolveEndpoint(params).join().url();
    }
}
