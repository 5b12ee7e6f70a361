package dev.stageway.s3;

import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyDescriptor;
import dev.stageway.config.PropertyTable;
import dev.stageway.config.PropertyType;
import dev.stageway.config.Rule;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * CSV options shared by the S3 source and target. Writing quotes every non-null value, so an
 * empty string ({@code ""}) and a null (the null marker, unquoted) never read back as each other.
 */
public record CsvOptions(char delimiter, char quote, Optional<Character> escape, String nullValue, boolean header, Charset charset) {

    static final String GROUP = "CSV format";

    public static final PropertyDescriptor<String> DELIMITER = PropertyDescriptor.builder("csv.delimiter", PropertyType.STRING)
            .group(GROUP).defaultValue(",")
            .doc("Field delimiter: one character, or `\\t` for a tab.")
            .validator(v -> oneChar(v).isPresent() ? Optional.empty() : Optional.of("must be one character, or \\t for a tab"))
            .build();

    public static final PropertyDescriptor<String> QUOTE = PropertyDescriptor.builder("csv.quote", PropertyType.STRING)
            .group(GROUP).defaultValue("\"")
            .doc("Quote character: one character.")
            .validator(v -> oneChar(v).isPresent() ? Optional.empty() : Optional.of("must be one character"))
            .build();

    public static final PropertyDescriptor<String> ESCAPE = PropertyDescriptor.builder("csv.escape", PropertyType.STRING)
            .group(GROUP)
            .doc("Escape character: one character. Default: none (a quote inside a quoted field is doubled).")
            .validator(v -> oneChar(v).isPresent() ? Optional.empty() : Optional.of("must be one character"))
            .build();

    public static final PropertyDescriptor<String> NULL_VALUE = PropertyDescriptor.builder("csv.null-value", PropertyType.STRING)
            .group(GROUP).defaultValue("")
            .doc("Unquoted text that stands for a null value. Default: an empty unquoted field; an empty string is "
                    + "written as `\"\"`.")
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

    static final Rule DISTINCT_CHARACTERS = p -> {
        List<Problem> problems = new ArrayList<>();
        Optional<Character> d = p.find(DELIMITER).flatMap(CsvOptions::oneChar);
        Optional<Character> q = p.find(QUOTE).flatMap(CsvOptions::oneChar);
        Optional<Character> e = p.find(ESCAPE).flatMap(CsvOptions::oneChar);
        if (d.isPresent() && d.equals(q)) {
            problems.add(new Problem(List.of(DELIMITER.name(), QUOTE.name()), "delimiter and quote must differ"));
        }
        if (e.isPresent() && (e.equals(d))) {
            problems.add(new Problem(List.of(ESCAPE.name(), DELIMITER.name()), "escape and delimiter must differ"));
        }
        return problems;
    };

    public static final PropertyTable TABLE = PropertyTable.of("CSV format",
            List.of(DELIMITER, QUOTE, ESCAPE, NULL_VALUE, HEADER, ENCODING), List.of(DISTINCT_CHARACTERS));

    static Optional<Character> oneChar(String v) {
        if (v.equals("\\t") || v.equals("\t")) {
            return Optional.of('\t');
        }
        return v.length() == 1 ? Optional.of(v.charAt(0)) : Optional.empty();
    }

    public static CsvOptions from(ParsedProperties p) {
        return new CsvOptions(oneChar(p.get(DELIMITER)).orElseThrow(), oneChar(p.get(QUOTE)).orElseThrow(),
                p.find(ESCAPE).flatMap(CsvOptions::oneChar), p.get(NULL_VALUE), p.get(HEADER), Charset.forName(p.get(ENCODING)));
    }

    /** The format for reading and writing; the header line is handled by the reader and writer themselves. */
    public CSVFormat format() {
        return CSVFormat.DEFAULT.builder()
                .setDelimiter(delimiter)
                .setQuote(quote)
                .setEscape(escape.orElse(null))
                .setNullString(nullValue)
                .setQuoteMode(QuoteMode.ALL_NON_NULL)
                .setRecordSeparator("\n")
                .get();
    }
}
