package dev.stageway.testkit.iam;

/**
 * One authorisation question: may {@code principal} do {@code action} on {@code resource}, with
 * the request's condition keys in {@code context}.
 */
public record AccessRequest(Principal principal, String action, String resource, RequestContext context) {
}
