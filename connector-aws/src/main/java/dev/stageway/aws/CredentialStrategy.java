package dev.stageway.aws;

import java.util.Optional;

/**
 * How a connection obtains AWS credentials: a primary identity, and for two of the four an
 * STS AssumeRole on top of it. Chosen from the connection properties alone, by
 * {@link AwsSettings#strategy()}; nothing else in the code decides this.
 */
public sealed interface CredentialStrategy {

    /** The role assumed on top of the primary identity, if any. */
    Optional<AssumeRoleSpec> assumeRole();

    /** A one-line description for reports and the {@code check} command; never a secret. */
    String describe();

    /** This strategy's credentials for a connection; assumed roles come from (and go back to) {@code sessions}. */
    ConnectorCredentials open(AwsSettings settings, RoleSessions sessions);

    /** 1: the IAM user's permanent keys, used directly. */
    record StaticKeys(AccessKeys keys) implements CredentialStrategy {
        @Override
        public Optional<AssumeRoleSpec> assumeRole() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "static keys of access key " + keys.accessKeyId();
        }

        @Override
        public ConnectorCredentials open(AwsSettings settings, RoleSessions sessions) {
            return new DirectCredentials(this, PrimaryIdentity.keys(keys));
        }
    }

    /** 2: the IAM user's keys call STS AssumeRole (same or another account, External Id optional). */
    record AssumeRoleWithKeys(AccessKeys keys, AssumeRoleSpec role) implements CredentialStrategy {
        @Override
        public Optional<AssumeRoleSpec> assumeRole() {
            return Optional.of(role);
        }

        @Override
        public String describe() {
            return "access key " + keys.accessKeyId() + " assumes " + role.roleArn()
                    + (role.externalId().isPresent() ? " with an External Id" : "");
        }

        @Override
        public ConnectorCredentials open(AwsSettings settings, RoleSessions sessions) {
            return new AssumedCredentials(this, sessions, sessions.acquire(role, PrimaryIdentity.keys(keys), settings));
        }
    }

    /** 3: the EC2 instance role (IMDSv2) calls STS AssumeRole; role chaining, so at most one hour. */
    record AssumeRoleWithEc2Role(AssumeRoleSpec role) implements CredentialStrategy {
        @Override
        public Optional<AssumeRoleSpec> assumeRole() {
            return Optional.of(role);
        }

        @Override
        public String describe() {
            return "EC2 instance role assumes " + role.roleArn()
                    + (role.externalId().isPresent() ? " with an External Id" : "");
        }

        @Override
        public ConnectorCredentials open(AwsSettings settings, RoleSessions sessions) {
            return new AssumedCredentials(this, sessions, sessions.acquire(role, PrimaryIdentity.instanceRole(settings.imdsEndpoint()),
                    settings));
        }
    }

    /** 4: the agent's own identity (environment, container, web identity, EC2 instance role). */
    record AmbientIdentity() implements CredentialStrategy {
        @Override
        public Optional<AssumeRoleSpec> assumeRole() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "the agent's own identity (environment, container or EC2 instance role)";
        }

        @Override
        public ConnectorCredentials open(AwsSettings settings, RoleSessions sessions) {
            return new DirectCredentials(this, PrimaryIdentity.ambient(settings.imdsEndpoint()));
        }
    }
}
