package dev.stageway.testkit.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * One AWS rule of the conformance suite: a request AWS allows and one it refuses, with the
 * status, error code and (part of the) message AWS refuses it with.
 */
record Rule(String name, Attempt allowed, Attempt denied, int status, String code, String message) {

    /** A request; it fails by throwing (the SDK's exception, or {@link Refused} for a raw request). */
    @FunctionalInterface
    interface Attempt {
        void run() throws Exception;
    }

    /** What a raw request was answered with when it was not a success. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    /** Throws {@link Refused} unless the raw response is a success. */
    static void expectSuccess(ConformanceSandbox.Raw raw) {
        if (raw.status() / 100 != 2) {
            Matcher c = CODE.matcher(raw.body());
            Matcher m = MESSAGE.matcher(raw.body());
            throw new Refused(raw.status(), c.find() ? c.group(1) : "", m.find() ? m.group(1).replace("&quot;", "\"") : "");
        }
    }

    static Stream<DynamicNode> tests(List<Rule> rules) {
        return rules.stream().map(r -> DynamicContainer.dynamicContainer(r.name(), List.of(
                DynamicTest.dynamicTest("AWS allows", () -> r.allowed().run()),
                DynamicTest.dynamicTest("AWS refuses with " + r.status() + " " + r.code(), () -> r.checkRefused()))));
    }

    private void checkRefused() {
        Throwable t = assertThrows(Throwable.class, () -> denied.run(), name + ": AWS refuses this request");
        int actualStatus;
        String actualCode;
        String actualMessage;
        if (t instanceof AwsServiceException e) {
            actualStatus = e.statusCode();
            actualCode = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
            actualMessage = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorMessage());
        } else if (t instanceof Refused r) {
            actualStatus = r.status;
            actualCode = r.code;
            actualMessage = r.getMessage();
        } else {
            throw new AssertionError(name + ": failed other than AWS refuses: " + t, t);
        }
        assertEquals(status, actualStatus, name + ": " + actualCode + " " + actualMessage);
        assertEquals(code, actualCode, name + ": " + actualMessage);
        assertTrue(actualMessage.contains(message), name + ": expected the message to contain <" + message + "> but was <"
                + actualMessage + ">");
    }
}
