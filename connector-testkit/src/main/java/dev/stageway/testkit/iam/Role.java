package dev.stageway.testkit.iam;

import java.time.Duration;
import java.util.List;

/** An IAM role: who may assume it (trust policy), what it may do, and its maximum session duration. */
public record Role(String arn, String account, String name, Policy trustPolicy, List<Policy> policies,
                   Duration maxSessionDuration) {

    public Role {
        policies = List.copyOf(policies);
    }

    public static String arn(String account, String name) {
        return "arn:aws:iam::" + account + ":role/" + name;
    }

    /** The role's unique id ({@code AROA...}), the first part of its sessions' {@code aws:userid}. */
    public String uniqueId() {
        return Principal.uniqueId("AROA", arn);
    }
}
