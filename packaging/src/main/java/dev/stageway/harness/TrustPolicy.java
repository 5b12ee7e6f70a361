package dev.stageway.harness;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Prints the trust policy a customer installs on the role Stageway assumes (the agent's account or
 * principal may assume it, only with the customer's External Id), and with {@code --folder} the
 * least-privilege permissions policy for that bucket and prefix.
 */
final class TrustPolicy {
    private TrustPolicy() {
    }

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern PRINCIPAL = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):(iam|sts)::\\d{12}:(root|user/.+|role/.+|assumed-role/.+)");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    static int command(List<String> args, PrintStream out) {
        String account = Stageway.option(args, "--account");
        String principal = Stageway.option(args, "--principal-arn");
        String externalId = Stageway.option(args, "--external-id");
        String folder = Stageway.option(args, "--folder");
        if (!args.isEmpty()) {
            throw new Stageway.UsageException("unexpected arguments " + args);
        }
        List<Problem> problems = new ArrayList<>();
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            problems.add(Problem.of("--account", "must be the 12-digit account ID of the agent that assumes the role"));
        }
        if (principal != null && (!PRINCIPAL.matcher(principal).matches() || account != null && !principal.contains("::" + account + ":"))) {
            problems.add(Problem.of("--principal-arn", "must be an IAM user or role ARN (or the account root) in account " + account));
        }
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            problems.add(Problem.of("--external-id", "must be 2 to 1224 characters, each a letter, digit or one of _+=,.@:/-"));
        }
        String bucket = null;
        String prefix = "";
        if (folder != null) {
            String f = folder.startsWith("s3://") ? folder.substring(5) : folder;
            int slash = f.indexOf('/');
            bucket = slash < 0 ? f : f.substring(0, slash);
            prefix = slash < 0 ? "" : f.substring(slash + 1);
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix += "/";
            }
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                problems.add(Problem.of("--folder", "must be bucket/prefix or s3://bucket/prefix"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        String who = principal != null ? principal : "arn:aws:iam::" + account + ":root";
        out.println("Trust policy (IAM > Roles > the role > Trust relationships):");
        out.println(trust(who, externalId));
        if (bucket != null) {
            out.println();
            out.println("Permissions policy for s3://" + bucket + "/" + prefix + " (attach to the role):");
            out.println(permissions(bucket, prefix));
        }
        return Stageway.OK;
    }

    static String trust(String principal, String externalId) {
        return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
                + "      \"Principal\": {\"AWS\": \"" + principal + "\"},\n      \"Action\": \"sts:AssumeRole\""
                + (externalId == null ? "" : ",\n      \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"" + externalId + "\"}}")
                + "\n    }\n  ]\n}";
    }

    static String permissions(String bucket, String prefix) {
        return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n"
                + "    {\n      \"Sid\": \"ListTheFolder\",\n      \"Effect\": \"Allow\",\n"
                + "      \"Action\": [\"s3:ListBucket\", \"s3:ListBucketMultipartUploads\"],\n"
                + "      \"Resource\": \"arn:aws:s3:::" + bucket + "\""
                + (prefix.isEmpty() ? "" : ",\n      \"Condition\": {\"StringLike\": {\"s3:prefix\": [\"" + prefix + "*\"]}}")
                + "\n    },\n"
                + "    {\n      \"Sid\": \"ReadAndWriteObjects\",\n      \"Effect\": \"Allow\",\n"
                + "      \"Action\": [\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\", \"s3:AbortMultipartUpload\", "
                + "\"s3:ListMultipartUploadParts\"],\n"
                + "      \"Resource\": \"arn:aws:s3:::" + bucket + "/" + prefix + "*\"\n    }\n  ]\n}";
    }
}
