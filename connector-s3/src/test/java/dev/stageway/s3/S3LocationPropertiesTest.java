package dev.stageway.s3;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.s3.transfer.S3Location;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** S3Location over generated folder paths (seeded): every form names the same folder; anything else is refused plainly. */
class S3LocationPropertiesTest {

    @Provide
    Arbitrary<String> buckets() {
        Arbitrary<Character> inner = Arbitraries.chars().with("abcdefghijklmnopqrstuvwxyz0123456789.-".toCharArray());
        Arbitrary<Character> edge = Arbitraries.chars().with("abcdefghijklmnopqrstuvwxyz0123456789".toCharArray());
        return net.jqwik.api.Combinators.combine(edge, inner.list().ofMinSize(1).ofMaxSize(20), edge)
                .as((a, middle, z) -> a + middle.stream().map(String::valueOf).reduce("", String::concat) + z)
                // host names need each dot-separated label to start and end with a letter or digit
                .filter(b -> !b.contains("..") && !b.contains(".s3") && !b.contains(".-") && !b.contains("-."));
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("data", "in", "a b", "x+y", "100%", "é", "日本", "=", "k?v", "#", "-", "_", ".").list().ofMaxSize(4)
                .map(parts -> String.join("/", parts));
    }

    @Property(tries = 1000, seed = "20261128")
    void everyFormNamesTheSameFolder(@ForAll("buckets") String bucket, @ForAll("prefixes") String prefix) {
        String folder = prefix.isEmpty() ? "" : prefix + "/";
        String encoded = URLEncoder.encode(prefix, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
        for (String form : new String[] {bucket + "/" + prefix, "s3://" + bucket + "/" + prefix, "s3://" + bucket + "/" + folder,
                "https://" + bucket + ".s3.eu-west-1.amazonaws.com/" + encoded,
                "https://s3.eu-west-1.amazonaws.com/" + bucket + "/" + encoded}) {
            S3Location l = S3Location.parse(form);
            assertEquals(bucket, l.bucket(), form);
            assertEquals(folder, l.prefix(), form);
            S3Location again = S3Location.parse(l.toString());
            assertEquals(l.bucket() + "/" + l.prefix(), again.bucket() + "/" + again.prefix(), form);
            assertEquals(form.startsWith("https") ? Optional.of("eu-west-1") : Optional.empty(), l.region().map(r -> r.id()), form);
        }
    }

    @Property(tries = 2000, seed = "20261128")
    void anyTextParsesOrIsRefusedWithAReason(@ForAll String text) {
        Optional<String> problem = S3Location.problem(text);
        try {
            S3Location l = S3Location.parse(text);
            assertTrue(problem.isEmpty());
            assertTrue(l.prefix().isEmpty() || l.prefix().endsWith("/"), l.toString());
        } catch (IllegalArgumentException e) {
            assertEquals(Optional.of(e.getMessage()), problem);
            assertFalse(e.getMessage().isBlank());
        }
    }
}
