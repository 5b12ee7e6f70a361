package dev.stageway.csv;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyDescriptor;
import dev.stageway.config.PropertyTable;
import dev.stageway.config.PropertyType;
import dev.stageway.config.Rule;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * CSV options shared by the S3 source and target (RFC 4180: a quote inside a quoted field is
 * doubled). Writing quotes every non-null value, so an empty string ({@code ""}) and a null (the
 * null marker, unquoted) never read back as each other.
 */
public record CsvOptions(char delimiter, char quote, String nullValue, boolean header, Charset charset, boolean replaceInvalid) {

    /** Invalid characters fail the read. */
    public CsvOptions(char delimiter, char quote, String nullValue, boolean header, Charset charset) {
        this(delimiter, quote, nullValue, header, charset, false);
    }

    static final String GROUP = "CSV format";

    public static final PropertyDescriptor<String> DELIMITER = PropertyDescriptor.builder("csv.delimiter", PropertyType.STRING)
            .group(GROUP).defaultValue(",")
            .doc("Field delimiter: one character, or `\\t` for a tab.")
            .validator(v -> oneChar(v).isPresent() ? Optional.empty() : Optional.of("must be one character other than a line break, or \\t for a tab"))
            .build();

    public static final PropertyDescriptor<String> QUOTE = PropertyDescriptor.builder("csv.quote", PropertyType.STRING)
            .group(GROUP).defaultValue("\"")
            .doc("Quote character: one character.")
            .validator(v -> oneChar(v).isPresent() ? Optional.empty() : Optional.of("must be one character other than a line break"))
            .build();

    public static final PropertyDescriptor<String> NULL_VALUE = PropertyDescriptor.builder("csv.null-value", PropertyType.STRING)
            .group(GROUP).defaultValue("")
            .doc("Unquoted text that stands for a null value. Default: an empty unquoted field; an empty string is "
                    + "written as `\"\"`. With the default, a null in a one-column file is an empty line; in wider files "
                    + "blank lines are skipped.")
            .validator(v -> v.chars().anyMatch(ch -> ch == '\n' || ch == '\r') ? Optional.of("must not hold a line break")
                    : Optional.empty())
            .build();

    public static final PropertyDescriptor<Boolean> HEADER = PropertyDescriptor.builder("csv.header", PropertyType.BOOLEAN)
            .group(GROUP).defaultValue(true)
            .doc("Whether the first line holds the column names (written by a target, read by a source).")
            .build();

    public static final PropertyDescriptor<String> ENCODING = PropertyDescriptor.builder("csv.encoding", PropertyType.STRING)
            .group(GROUP).defaultValue("UTF-8")
            .doc("Character encoding of the files, such as `UTF-8` or `ISO-8859-1`.")
            .validator(v -> Charset.isSupported(v) ? Optional.empty()
                    : Optional.of("must be a character encoding this JVM knows, such as UTF-8 or ISO-8859-1"))
            .build();

    public enum InvalidCharacters { FAIL, REPLACE }

    public static final PropertyDescriptor<InvalidCharacters> INVALID_CHARACTERS = PropertyDescriptor.builder(
                    "csv.invalid-characters", PropertyType.oneOf(InvalidCharacters.class))
            .group(GROUP).defaultValue(InvalidCharacters.FAIL)
            .doc("What bytes that are not valid in `csv.encoding` do when read: `fail` stops with a data error naming the object "
                    + "and line (with `s3.on-bad-row=skip`, the rest of that object is skipped as rejected); `replace` reads each "
                    + "invalid sequence as U+FFFD and counts them in the summary. Data is never changed silently.")
            .build();

    static final Rule DISTINCT_CHARACTERS = p -> {
        List<Problem> problems = new ArrayList<>();
        Optional<Character> d = p.find(DELIMITER).flatMap(CsvOptions::oneChar);
        Optional<Character> q = p.find(QUOTE).flatMap(CsvOptions::oneChar);
        Optional<String> n = p.find(NULL_VALUE);
        if (d.isPresent() && d.equals(q)) {
            problems.add(new Problem(List.of(DELIMITER.name(), QUOTE.name()), "delimiter and quote must differ"));
        }
        if (n.isPresent() && (d.isPresent() && n.get().indexOf(d.get()) >= 0 || q.isPresent() && n.get().indexOf(q.get()) >= 0)) {
            problems.add(new Problem(List.of(NULL_VALUE.name(), DELIMITER.name(), QUOTE.name()),
                    "the null value must not contain the delimiter or the quote"));
        }
        return problems;
    };

    public static final PropertyTable TABLE = PropertyTable.of("CSV format",
            List.of(DELIMITER, QUOTE, NULL_VALUE, HEADER, ENCODING, INVALID_CHARACTERS), List.of(DISTINCT_CHARACTERS));

    /** The one character {@code v} names ({@code \\t} is a tab); a line break is never one: it ends records. */
    static Optional<Character> oneChar(String v) {
        if (v.equals("\\t") || v.equals("\t")) {
            return Optional.of('\t');
        }
        return v.length() == 1 && v.charAt(0) != '\n' && v.charAt(0) != '\r' ? Optional.of(v.charAt(0)) : Optional.empty();
    }

    public static CsvOptions from(ParsedProperties p) {
        return new CsvOptions(oneChar(p.get(DELIMITER)).orElseThrow(), oneChar(p.get(QUOTE)).orElseThrow(),
                p.get(NULL_VALUE), p.get(HEADER), Charset.forName(p.get(ENCODING)),
                p.get(INVALID_CHARACTERS) == InvalidCharacters.REPLACE);
    }

    /**
     * Objects in this format, gzip or not, as a direct path describes them: the CSV options under
     * their property names with canonical values, and {@code compression} ({@code none} or
     * {@code gzip}). What a source and a target compare to tell whether bytes one reads mean what
     * the other would write.
     */
    public Map<String, String> storedFormat(boolean gzip) {
        return Map.of(DELIMITER.name(), String.valueOf(delimiter), QUOTE.name(), String.valueOf(quote), NULL_VALUE.name(), nullValue,
                HEADER.name(), Boolean.toString(header), ENCODING.name(), charset.name(), COMPRESSION, gzip ? "gzip" : "none");
    }

    /** The key of a {@link #storedFormat} that says whether the objects are gzip ({@code gzip}) or not ({@code none}). */
    public static final String COMPRESSION = "compression";

    /** Whether a {@link #storedFormat} describes gzip objects. */
    public static boolean gzip(Map<String, String> storedFormat) {
        return "gzip".equals(storedFormat.get(COMPRESSION));
    }

    /** The options a {@link #storedFormat} describes (its {@code compression} aside); invalid characters fail. */
    public static CsvOptions ofStoredFormat(Map<String, String> format) {
        return new CsvOptions(format.get(DELIMITER.name()).charAt(0), format.get(QUOTE.name()).charAt(0), format.get(NULL_VALUE.name()),
                Boolean.parseBoolean(format.get(HEADER.name())), Charset.forName(format.get(ENCODING.name())));
    }

    /** A writer of rows as lines in this format; the header line is the caller's first row. */
    public CsvRowWriter writer(OutputStream out) {
        return new CsvRowWriter(this, out);
    }

    /** A reader of records in this format; the header line, if any, is its first record. */
    public CsvReader<CsvFields> reader(InputStream in) {
        return reader(in, new LongAdder());
    }

    /**
     * A reader of records in this format, whose invalid characters (with {@link #replaceInvalid}) are
     * added to {@code replaced}; without it, they fail the read.
     */
    public CsvReader<CsvFields> reader(InputStream in, LongAdder replaced) {
        // Field counts are checked by the source itself, which knows the schema and the bad-row policy;
        // a quote left open at the end is an error, not a value swallowing the rest of a truncated object.
        // Empty lines come through: in a one-column file they are nulls (see CsvFields#blank).
        return CsvReader.builder().fieldSeparator(delimiter).quoteCharacter(quote).skipEmptyLines(false)
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .allowUnclosedQuote(false).build(new CsvFields.Handler(nullValue), new CheckedDecoder(in, charset, replaceInvalid, replaced));
    }
}
