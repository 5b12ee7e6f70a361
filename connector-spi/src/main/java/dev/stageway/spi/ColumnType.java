package dev.stageway.spi;

import java.util.Objects;

/**
 * The type of a column. Each kind has one Java value type, which readers produce and writers
 * accept (a null value is SQL NULL):
 * <table>
 *   <caption>Kinds and their Java values</caption>
 *   <tr><th>kind</th><th>Java value</th></tr>
 *   <tr><td>STRING</td><td>{@link String}</td></tr>
 *   <tr><td>SMALLINT, INTEGER, BIGINT</td><td>{@link Short}, {@link Integer}, {@link Long}</td></tr>
 *   <tr><td>DOUBLE</td><td>{@link Double}</td></tr>
 *   <tr><td>DECIMAL</td><td>{@link java.math.BigDecimal} with at most {@code scale} fraction digits</td></tr>
 *   <tr><td>BOOLEAN</td><td>{@link Boolean}</td></tr>
 *   <tr><td>DATE</td><td>{@link java.time.LocalDate}</td></tr>
 *   <tr><td>TIMESTAMP</td><td>{@link java.time.LocalDateTime} (no zone)</td></tr>
 *   <tr><td>TIMESTAMP_TZ</td><td>{@link java.time.OffsetDateTime}</td></tr>
 *   <tr><td>BINARY</td><td>{@code byte[]}</td></tr>
 * </table>
 *
 * @param kind      the kind
 * @param precision for DECIMAL, total digits 1–38; for STRING and BINARY, the maximum length in
 *                  bytes, or 0 when unknown; otherwise 0
 * @param scale     for DECIMAL, fraction digits 0–precision; otherwise 0
 */
public record ColumnType(Kind kind, int precision, int scale) {

    public enum Kind { STRING, SMALLINT, INTEGER, BIGINT, DOUBLE, DECIMAL, BOOLEAN, DATE, TIMESTAMP, TIMESTAMP_TZ, BINARY }

    /** Redshift's, and so our, largest DECIMAL precision. */
    public static final int MAX_DECIMAL_PRECISION = 38;

    public ColumnType {
        Objects.requireNonNull(kind, "kind is null");
        if (kind == Kind.DECIMAL) {
            if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
                throw new IllegalArgumentException("Cannot make DECIMAL(" + precision + "," + scale + "): precision must be 1 to "
                        + MAX_DECIMAL_PRECISION + " and scale 0 to precision");
            }
        } else if (kind == Kind.STRING || kind == Kind.BINARY) {
            if (precision < 0 || scale != 0) {
                throw new IllegalArgumentException("Cannot make " + kind + " with length " + precision + ": length must be 0 or more");
            }
        } else if (precision != 0 || scale != 0) {
            throw new IllegalArgumentException("Cannot give " + kind + " a precision or scale");
        }
    }

    public static ColumnType of(Kind kind) {
        return new ColumnType(kind, 0, 0);
    }

    public static ColumnType string() {
        return of(Kind.STRING);
    }

    public static ColumnType string(int maxLength) {
        return new ColumnType(Kind.STRING, maxLength, 0);
    }

    public static ColumnType decimal(int precision, int scale) {
        return new ColumnType(Kind.DECIMAL, precision, scale);
    }

    @Override
    public String toString() {
        if (kind == Kind.DECIMAL) {
            return "DECIMAL(" + precision + "," + scale + ")";
        }
        return (kind == Kind.STRING || kind == Kind.BINARY) && precision > 0 ? kind + "(" + precision + ")" : kind.name();
    }
}
