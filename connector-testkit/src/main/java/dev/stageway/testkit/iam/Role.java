package dev.stageway.testkit.iam;

import java.time.Duration;
import java.util.List;

/** An IAM role: who may assume it (trust policy), what it may do, and its maximum session duration. */
public record Role(String arn, String account, String name, Policy trustPolicy, List<Policy> policies,
                   Duration maxSessionDuration) {

    public static String arn(String account, String name) {
        return "arn:aws:iam::" + account + ":role/" + name;
    }
}
