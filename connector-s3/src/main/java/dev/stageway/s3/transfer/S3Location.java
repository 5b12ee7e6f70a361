package dev.stageway.s3.transfer;

import dev.stageway.config.PropertyDescriptor;
import dev.stageway.aws.AwsRegions;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/**
 * A bucket and a folder (key prefix) in it, parsed from what users paste: {@code bucket/prefix},
 * {@code s3://bucket/prefix/}, virtual-hosted {@code https://bucket.s3.<region>.amazonaws.com/prefix/}
 * or path-style {@code https://s3.<region>.amazonaws.com/bucket/prefix/}; a URL may carry the region.
 *
 * @param prefix empty, or ending with '/'
 */
public record S3Location(String bucket, String prefix, Optional<Region> region) {

    // S3's general-purpose bucket naming rules: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern VIRTUAL_HOSTED = Pattern.compile("(.+)\\.s3[.-](?:([a-z0-9-]+)\\.)?amazonaws\\.com(?:\\.cn)?");
    private static final Pattern PATH_STYLE_HOST = Pattern.compile("s3(?:[.-]([a-z0-9-]+))?\\.amazonaws\\.com(?:\\.cn)?");

    public S3Location {
        Objects.requireNonNull(bucket, "bucket is null");
        Objects.requireNonNull(prefix, "prefix is null");
        Objects.requireNonNull(region, "region is null");
    }

    /** The folder {@code name} (ending in '/') below this one. */
    public S3Location child(String name) {
        return new S3Location(bucket, prefix + name, region);
    }

    /** The object key of {@code name} in this folder. */
    public String key(String name) {
        return prefix + name;
    }

    @Override
    public String toString() {
        return url(bucket, prefix);
    }

    /** The {@code s3://} URL of {@code key} in {@code bucket}, as COPY, UNLOAD and messages name objects. */
    public static String url(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** The URL of the object {@code name} in this folder. */
    public String url(String name) {
        return url(bucket, prefix + name);
    }

    /** What is wrong with {@code text} as a folder path, or empty when it parses; for property validators. */
    public static Optional<String> problem(String text) {
        return PropertyDescriptor.parses(S3Location::parse).apply(text);
    }

    /**
     * Parses a folder path.
     *
     * @throws IllegalArgumentException saying what forms are accepted
     */
    public static S3Location parse(String text) {
        String t = text.strip();
        String bucket;
        String path;
        Optional<Region> region = Optional.empty();
        if (t.startsWith("s3://") || t.startsWith("s3a://")) {
            String rest = t.substring(t.indexOf("://") + 3);
            int slash = rest.indexOf('/');
            bucket = slash < 0 ? rest : rest.substring(0, slash);
            path = slash < 0 ? "" : rest.substring(slash + 1);
        } else if (t.startsWith("https://") || t.startsWith("http://")) {
            URI uri;
            try {
                uri = new URI(t);
            } catch (URISyntaxException e) {
                throw invalid(text);
            }
            String host = uri.getHost() == null ? "" : uri.getHost();
            String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
            String decoded = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
            Matcher virtual = VIRTUAL_HOSTED.matcher(host);
            Matcher pathStyle = PATH_STYLE_HOST.matcher(host);
            if (pathStyle.matches()) {
                String rest = decoded.startsWith("/") ? decoded.substring(1) : decoded;
                int slash = rest.indexOf('/');
                bucket = slash < 0 ? rest : rest.substring(0, slash);
                path = slash < 0 ? "" : rest.substring(slash + 1);
                region = regionOf(pathStyle.group(1));
            } else if (virtual.matches()) {
                bucket = virtual.group(1);
                path = decoded.startsWith("/") ? decoded.substring(1) : decoded;
                region = regionOf(virtual.group(2));
            } else {
                throw invalid(text);
            }
        } else {
            String rest = t.startsWith("/") ? t.substring(1) : t;
            int slash = rest.indexOf('/');
            bucket = slash < 0 ? rest : rest.substring(0, slash);
            path = slash < 0 ? "" : rest.substring(slash + 1);
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("names bucket '" + bucket + "', but a bucket name is 3 to 63 lower-case letters, "
                    + "digits, dots and hyphens, starting and ending with a letter or digit");
        }
        String prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
        return new S3Location(bucket, prefix, region);
    }

    private static Optional<Region> regionOf(String hostPart) {
        if (hostPart == null || hostPart.equals("external-1") || hostPart.equals("dualstack")) {
            return Optional.empty();
        }
        try {
            return Optional.of(AwsRegions.parse(hostPart));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("must be bucket/prefix, s3://bucket/prefix, https://bucket.s3.<region>.amazonaws.com/prefix "
                + "or https://s3.<region>.amazonaws.com/bucket/prefix, was '" + text + "'");
    }
}
