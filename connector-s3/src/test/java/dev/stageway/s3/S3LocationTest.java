package dev.stageway.s3;

import dev.stageway.s3.transfer.S3Location;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class S3LocationTest {
    static void check(String text, String bucket, String prefix, Optional<Region> region) {
        assertEquals(new S3Location(bucket, prefix, region), S3Location.parse(text), text);
    }

    @Test
    void acceptsEveryFormUsersPaste() {
        check("my-bucket", "my-bucket", "", Optional.empty());
        check("my-bucket/in/2026", "my-bucket", "in/2026/", Optional.empty());
        check("s3://my-bucket/in/", "my-bucket", "in/", Optional.empty());
        check("s3://my-bucket", "my-bucket", "", Optional.empty());
        check("https://my.bucket.s3.us-west-2.amazonaws.com/in/x", "my.bucket", "in/x/", Optional.of(Region.US_WEST_2));
        check("https://my-bucket.s3-eu-west-1.amazonaws.com/in/", "my-bucket", "in/", Optional.of(Region.EU_WEST_1));
        check("https://my-bucket.s3.amazonaws.com/in/", "my-bucket", "in/", Optional.empty());
        check("https://s3.eu-central-1.amazonaws.com/my-bucket/a%20b/", "my-bucket", "a b/", Optional.of(Region.EU_CENTRAL_1));
        check("https://s3.amazonaws.com/my-bucket", "my-bucket", "", Optional.empty());
        check("https://my-bucket.s3.cn-north-1.amazonaws.com.cn/x/", "my-bucket", "x/", Optional.of(Region.CN_NORTH_1));
    }

    @Test
    void refusesWhatIsNotALocationSayingWhy() {
        assertEquals("names bucket 'My_Bucket', but a bucket name is 3 to 63 lower-case letters, digits, dots and hyphens, "
                + "starting and ending with a letter or digit", assertThrows(IllegalArgumentException.class,
                () -> S3Location.parse("My_Bucket/x")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> S3Location.parse("https://example.com/x")).getMessage()
                .startsWith("must be bucket/prefix, s3://bucket/prefix"));
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("ab"));
    }
}
