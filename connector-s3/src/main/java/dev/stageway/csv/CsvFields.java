package dev.stageway.csv;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * One CSV record read: its fields (null for an unquoted null marker), the line it starts on, and
 * whether the line was empty (one unquoted empty field: a null in a one-column file whose null
 * marker is empty, a blank line anywhere else).
 */
public record CsvFields(long line, List<String> fields, boolean blank) {

    /** Builds records from FastCSV's parser; only an unquoted field equal to the marker is a null. */
    static final class Handler extends AbstractBaseCsvCallbackHandler<CsvFields> {
        private final String nullValue;
        private List<String> fields = new ArrayList<>();

        Handler(String nullValue) {
            this.nullValue = nullValue;
        }

        @Override
        protected void handleBegin(long startingLineNumber) {
            fields = new ArrayList<>();
        }

        @Override
        protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
            String value = new String(buf, offset, len);
            fields.add(!quoted && value.equals(nullValue) ? null : value);
        }

        @Override
        protected CsvFields buildRecord() {
            // The parser gives an empty line no field; as a record it is one empty unquoted field.
            boolean blank = fields.isEmpty();
            if (blank) {
                fields.add(nullValue.isEmpty() ? null : "");
            }
            return new CsvFields(getStartingLineNumber(), fields, blank);
        }
    }
}
