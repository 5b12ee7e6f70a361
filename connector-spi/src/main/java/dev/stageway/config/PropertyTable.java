package dev.stageway.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one table of a connector's properties: it parses a flat {@code Map<String,String>},
 * reports every problem at once, renders the documentation and masks sensitive values.
 * A blank value counts as not given, as integration UIs send empty fields.
 */
public final class PropertyTable {
    private final String title;
    private final Map<String, PropertyDescriptor<?>> descriptors;
    private final List<Rule> rules;

    private PropertyTable(String title, Map<String, PropertyDescriptor<?>> descriptors, List<Rule> rules) {
        this.title = title;
        this.descriptors = descriptors;
        this.rules = rules;
    }

    public static PropertyTable of(String title, List<PropertyDescriptor<?>> descriptors, List<Rule> rules) {
        Map<String, PropertyDescriptor<?>> byName = new LinkedHashMap<>();
        for (PropertyDescriptor<?> d : descriptors) {
            if (byName.putIfAbsent(d.name(), d) != null) {
                throw new IllegalArgumentException("duplicate property " + d.name() + " in " + title);
            }
        }
        return new PropertyTable(title, byName, List.copyOf(rules));
    }

    /**
     * A table holding all properties and rules of {@code tables}; a property present in several
     * (the same descriptor) is listed once.
     */
    public static PropertyTable combine(String title, PropertyTable... tables) {
        Map<String, PropertyDescriptor<?>> byName = new LinkedHashMap<>();
        List<Rule> rules = new ArrayList<>();
        for (PropertyTable t : tables) {
            for (PropertyDescriptor<?> d : t.descriptors.values()) {
                PropertyDescriptor<?> previous = byName.putIfAbsent(d.name(), d);
                if (previous != null && previous != d) {
                    throw new IllegalArgumentException("two different descriptors named " + d.name());
                }
            }
            for (Rule r : t.rules) {
                if (!rules.contains(r)) {
                    rules.add(r);
                }
            }
        }
        return new PropertyTable(title, byName, List.copyOf(rules));
    }

    /** The properties of this table that {@code other} does not hold (for documenting one layer of a combined table). */
    public PropertyTable without(String title, PropertyTable other) {
        Map<String, PropertyDescriptor<?>> byName = new LinkedHashMap<>(descriptors);
        other.descriptors.keySet().forEach(byName::remove);
        return new PropertyTable(title, byName, List.of());
    }

    public String title() {
        return title;
    }

    public Collection<PropertyDescriptor<?>> descriptors() {
        return descriptors.values();
    }

    public boolean contains(String name) {
        return descriptors.containsKey(name);
    }

    /** The entries of {@code raw} whose keys this table holds (one layer of a flat map that mixes several). */
    public Map<String, String> select(Map<String, String> raw) {
        Map<String, String> selected = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (descriptors.containsKey(k)) {
                selected.put(k, v);
            }
        });
        return selected;
    }

    /** Parses {@code raw}, throwing a {@link ConfigurationException} with every problem found. */
    public ParsedProperties parse(Map<String, String> raw) {
        List<Problem> problems = new ArrayList<>();
        ParsedProperties parsed = parse(raw, problems);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return parsed;
    }

    /** Every problem of {@code raw}; empty when it is valid. */
    public List<Problem> validate(Map<String, String> raw) {
        List<Problem> problems = new ArrayList<>();
        parse(raw, problems);
        return problems;
    }

    private ParsedProperties parse(Map<String, String> raw, List<Problem> problems) {
        Objects.requireNonNull(raw, "raw is null");
        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> given = new HashSet<>();
        for (String key : new TreeMap<>(raw).keySet()) {
            if (!descriptors.containsKey(key)) {
                problems.add(Problem.of(key, "unknown property" + suggestion(key)));
            }
        }
        for (PropertyDescriptor<?> d : descriptors.values()) {
            String written = raw.get(d.name());
            String text;
            try {
                // Secrets by reference (${env:...}, ${file:...}) resolve here, for the connectors of hosts that enable them.
                text = written == null || !References.enabled() ? written : References.SYSTEM.resolve(written);
            } catch (IllegalArgumentException e) {
                given.add(d.name());
                problems.add(Problem.of(d.name(), e.getMessage()));
                continue;
            }
            if (text == null || text.isBlank()) {
                if (d.required()) {
                    problems.add(Problem.of(d.name(), "is required: " + firstSentence(d.documentation())));
                }
                continue;
            }
            given.add(d.name());
            try {
                values.put(d.name(), d.parse(text.strip()));
            } catch (IllegalArgumentException e) {
                // A validator may quote the value it refused: one read through a reference is shown as the reference.
                String message = text.equals(written) || text.isBlank() ? e.getMessage() : e.getMessage().replace(text.strip(), written);
                problems.add(Problem.of(d.name(), message));
            }
        }
        ParsedProperties parsed = new ParsedProperties(values, given, descriptors);
        for (Rule rule : rules) {
            problems.addAll(rule.check(parsed));
        }
        return parsed;
    }

    /** A copy of {@code raw} whose sensitive values are masked, for logs and reports. */
    public Map<String, String> mask(Map<String, String> raw) {
        Map<String, String> masked = new TreeMap<>();
        raw.forEach((k, v) -> {
            PropertyDescriptor<?> d = descriptors.get(k);
            // Unknown keys are masked too: a misspelt secret key is still a secret.
            boolean hide = d == null ? looksSensitive(k) : d.sensitive();
            masked.put(k, hide && v != null && !v.isEmpty() ? Secret.MASK : v);
        });
        return masked;
    }

    private static boolean looksSensitive(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.contains("token") || k.contains("credential");
    }

    /** The table as Markdown, one section per group. */
    public String toMarkdown() {
        StringBuilder out = new StringBuilder();
        Map<String, List<PropertyDescriptor<?>>> byGroup = new LinkedHashMap<>();
        descriptors.values().forEach(d -> byGroup.computeIfAbsent(d.group(), g -> new ArrayList<>()).add(d));
        byGroup.forEach((group, list) -> {
            out.append("#### ").append(group).append("\n\n");
            out.append("| Property | Type | Default | Required | Description |\n");
            out.append("|---|---|---|---|---|\n");
            for (PropertyDescriptor<?> d : list) {
                out.append("| `").append(d.name()).append("` | ")
                        .append(d.type().description()).append(d.sensitive() ? " (sensitive)" : "").append(" | ")
                        .append(defaultText(d)).append(" | ")
                        .append(d.required() ? "yes" : "no").append(" | ")
                        .append(d.documentation().replace("|", "\\|").replace("\n", " "))
                        .append(d.dependsOn().isEmpty() ? "" : " Used with: `" + String.join("`, `", d.dependsOn()) + "`.")
                        .append(" |\n");
            }
            out.append('\n');
        });
        return out.toString();
    }

    private static <T> String defaultText(PropertyDescriptor<T> d) {
        return d.defaultValue().map(v -> "`" + d.type().format(v) + "`").orElse("");
    }

    private String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : descriptors.keySet()) {
            int distance = editDistance(key, name);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = name;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 5) ? "; did you mean " + best + "?" : "";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String firstSentence(String doc) {
        int dot = doc.indexOf(". ");
        return dot < 0 ? doc : doc.substring(0, dot + 1);
    }
}
