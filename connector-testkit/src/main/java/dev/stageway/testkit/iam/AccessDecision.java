package dev.stageway.testkit.iam;

/**
 * Whether a request is allowed, and if not, why, in AWS's words.
 *
 * @param reason empty when allowed; else how AWS ends its AccessDenied message, such as
 *               "because no identity-based policy allows the s3:GetObject action" or
 *               "with an explicit deny in a resource-based policy"
 */
public record AccessDecision(boolean allowed, String reason) {
    static final AccessDecision ALLOWED = new AccessDecision(true, "");

    static AccessDecision denied(String reason) {
        return new AccessDecision(false, reason);
    }

    /**
     * AWS's AccessDenied message: "User: arn is not authorized to perform: action on resource: ...
     * because ...". S3 quotes the resource, STS does not; a resource of "*" is not named.
     */
    public String message(Principal who, String action, String resource, boolean quoteResource) {
        String on = resource.equals("*") ? "" : " on resource: " + (quoteResource ? "\"" + resource + "\"" : resource);
        return "User: " + who.arn() + " is not authorized to perform: " + action + on + (reason.isEmpty() ? "" : " " + reason);
    }
}
