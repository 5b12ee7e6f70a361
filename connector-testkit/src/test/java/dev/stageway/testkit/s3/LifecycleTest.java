package dev.stageway.testkit.s3;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private static Lifecycle parse(String rules) {
        return Lifecycle.parse(("<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + rules
                + "</LifecycleConfiguration>").getBytes(StandardCharsets.UTF_8));
    }

    private static String abort(String id, String filter, String status, int days) {
        return "<Rule><ID>" + id + "</ID>" + filter + "<Status>" + status + "</Status><AbortIncompleteMultipartUpload>"
                + "<DaysAfterInitiation>" + days + "</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>";
    }

    @Test
    void anUploadIsAbortedAtTheMidnightAfterItsDaysAsS3CountsThem() {
        Lifecycle l = parse(abort("a", "<Filter><Prefix>out/</Prefix></Filter>", "Enabled", 7)
                + abort("b", "<Filter><Prefix>out/x/</Prefix></Filter>", "Enabled", 2)
                + abort("c", "<Filter><Prefix></Prefix></Filter>", "Disabled", 1));
        Instant initiated = Instant.parse("2026-03-01T13:45:00Z");
        assertEquals(Optional.of(Instant.parse("2026-03-09T00:00:00Z")), l.abortAt("out/data.csv", initiated));
        assertEquals(Optional.of(Instant.parse("2026-03-04T00:00:00Z")), l.abortAt("out/x/data.csv", initiated), "the earliest rule wins");
        assertEquals(Optional.empty(), l.abortAt("other/data.csv", initiated), "a disabled rule applies to nothing");
    }

    @Test
    void theLegacyPrefixIsKeptAsGivenAndRulesWithoutIdsAreNamed() {
        Lifecycle l = parse("<Rule><Prefix>tmp/</Prefix><Status>Enabled</Status><AbortIncompleteMultipartUpload>"
                + "<DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>");
        assertFalse(l.rules().get(0).id().isEmpty());
        assertTrue(l.xml().contains("<Prefix>tmp/</Prefix><Status>"), l.xml());
    }

    @Test
    void whatTheSandboxDoesNotApplyIsRefusedAndBadXmlIsMalformed() {
        S3Error expiration = assertThrows(S3Error.class, () -> parse("<Rule><ID>e</ID><Filter/><Status>Enabled</Status>"
                + "<Expiration><Days>3</Days></Expiration></Rule>"));
        assertEquals("NotImplemented", expiration.code);
        S3Error tags = assertThrows(S3Error.class, () -> parse(abort("t", "<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>",
                "Enabled", 1)));
        assertEquals("NotImplemented", tags.code);
        assertEquals("MalformedXML", assertThrows(S3Error.class, () -> parse(abort("s", "<Filter/>", "On", 1))).code);
        assertEquals("MalformedXML", assertThrows(S3Error.class, () -> parse(abort("s", "", "Enabled", 1))).code,
                "a rule needs a Filter or a Prefix");
        assertEquals("MalformedXML", assertThrows(S3Error.class, () -> Lifecycle.parse("<!DOCTYPE x []><x/>".getBytes(
                StandardCharsets.UTF_8))).code);
        assertEquals("InvalidRequest", assertThrows(S3Error.class, () -> parse("<Rule><ID>n</ID><Filter/><Status>Enabled</Status>"
                + "</Rule>")).code);
    }
}
