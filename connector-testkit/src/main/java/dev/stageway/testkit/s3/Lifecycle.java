package dev.stageway.testkit.s3;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A bucket's lifecycle configuration, as PutBucketLifecycleConfiguration validates it and the
 * sandbox applies it. The sandbox models one action, AbortIncompleteMultipartUpload, under a
 * prefix; a rule with any other action or filter is refused as not modelled rather than stored
 * and silently never applied.
 */
record Lifecycle(List<Lifecycle.Rule> rules) {

    /**
     * @param legacyPrefix the rule named its prefix as {@code <Rule><Prefix>} rather than in a {@code <Filter>}
     */
    record Rule(String id, String prefix, boolean legacyPrefix, boolean enabled, int abortAfterDays) {
    }

    private static final String XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final Set<String> NOT_MODELLED_ACTIONS = Set.of("Expiration", "Transition", "NoncurrentVersionExpiration",
            "NoncurrentVersionTransition");

    static S3Error malformed() {
        return new S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
    }

    /** The configuration a PutBucketLifecycleConfiguration body gives, refused as S3 refuses it. */
    static Lifecycle parse(byte[] body) {
        Element root;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setNamespaceAware(true);
            root = f.newDocumentBuilder().parse(new ByteArrayInputStream(body)).getDocumentElement();
        } catch (Exception e) {
            throw malformed();
        }
        if (!root.getLocalName().equals("LifecycleConfiguration")) {
            throw malformed();
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Element e : children(root)) {
            if (!e.getLocalName().equals("Rule")) {
                throw malformed();
            }
            Rule rule = rule(e);
            if (!ids.add(rule.id())) {
                throw new S3Error(400, "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule",
                        Map.of("ArgumentName", "ID", "ArgumentValue", rule.id()));
            }
            rules.add(rule);
        }
        if (rules.isEmpty() || rules.size() > 1000) {
            throw malformed();
        }
        return new Lifecycle(List.copyOf(rules));
    }

    private static Rule rule(Element rule) {
        String id = null;
        Optional<String> prefix = Optional.empty();
        boolean legacy = false;
        String status = null;
        Integer days = null;
        boolean filter = false;
        for (Element e : children(rule)) {
            switch (e.getLocalName()) {
                case "ID" -> id = e.getTextContent();
                case "Prefix" -> {
                    legacy = true;
                    prefix = Optional.of(e.getTextContent());
                }
                case "Filter" -> {
                    filter = true;
                    for (Element f : children(e)) {
                        if (!f.getLocalName().equals("Prefix")) {
                            throw S3Error.notModelled("lifecycle filters other than Prefix (" + f.getLocalName() + ")");
                        }
                        prefix = Optional.of(f.getTextContent());
                    }
                }
                case "Status" -> status = e.getTextContent();
                case "AbortIncompleteMultipartUpload" -> days = daysAfterInitiation(e);
                default -> {
                    if (NOT_MODELLED_ACTIONS.contains(e.getLocalName())) {
                        throw S3Error.notModelled("the lifecycle action " + e.getLocalName()
                                + " (it applies AbortIncompleteMultipartUpload only)");
                    }
                    throw malformed();
                }
            }
        }
        if (status == null || !(status.equals("Enabled") || status.equals("Disabled")) || legacy == filter) {
            throw malformed();
        }
        if (id != null && id.length() > 255) {
            throw new S3Error(400, "InvalidArgument", "ID length should not exceed allowed limit of 255",
                    Map.of("ArgumentName", "ID", "ArgumentValue", id));
        }
        if (days == null) {
            throw new S3Error(400, "InvalidRequest", "At least one action needs to be specified in a rule");
        }
        // S3 names a rule given without an ID itself.
        String named = id == null || id.isEmpty() ? UUID.randomUUID().toString().replace("-", "").substring(0, 24) : id;
        return new Rule(named, prefix.orElse(""), legacy, status.equals("Enabled"), days);
    }

    private static int daysAfterInitiation(Element abort) {
        List<Element> children = children(abort);
        if (children.size() != 1 || !children.get(0).getLocalName().equals("DaysAfterInitiation")) {
            throw malformed();
        }
        try {
            int days = Integer.parseInt(children.get(0).getTextContent().trim());
            if (days > 0) {
                return days;
            }
        } catch (NumberFormatException e) {
            throw malformed();
        }
        throw new S3Error(400, "InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
    }

    private static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                children.add(e);
            } else if (n.getNodeType() == Node.TEXT_NODE && !n.getTextContent().isBlank()) {
                throw malformed();
            }
        }
        return children;
    }

    /**
     * When S3 aborts an upload of {@code key} initiated at {@code initiated}: the days of the
     * earliest enabled rule that covers the key, counted from initiation and rounded up to the
     * next midnight UTC, as S3 counts lifecycle days.
     */
    Optional<Instant> abortAt(String key, Instant initiated) {
        return rules.stream().filter(r -> r.enabled() && key.startsWith(r.prefix()))
                .map(r -> initiated.plus(r.abortAfterDays(), ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toLocalDate().plusDays(1)
                        .atStartOfDay().toInstant(ZoneOffset.UTC))
                .min(Instant::compareTo);
    }

    /** The configuration as GetBucketLifecycleConfiguration answers it. */
    String xml() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><LifecycleConfiguration xmlns=\"" + XMLNS + "\">");
        for (Rule r : rules) {
            x.append("<Rule><ID>").append(escape(r.id())).append("</ID>");
            x.append(r.legacyPrefix() ? "<Prefix>" + escape(r.prefix()) + "</Prefix>"
                    : "<Filter><Prefix>" + escape(r.prefix()) + "</Prefix></Filter>");
            x.append("<Status>").append(r.enabled() ? "Enabled" : "Disabled").append("</Status>");
            x.append("<AbortIncompleteMultipartUpload><DaysAfterInitiation>").append(r.abortAfterDays())
                    .append("</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>");
        }
        return x.append("</LifecycleConfiguration>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
