package dev.stageway.spark;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Spark's types and the SPI's, both ways. Strings, integers, doubles, decimals (precision and
 * scale kept), booleans, dates, binary; {@code TimestampNTZType} is a timestamp without zone and
 * {@code TimestampType} (an instant) one with a zone, in UTC. Bytes widen to SMALLINT and floats
 * to DOUBLE, exactly. Anything else (arrays, maps, structs, intervals) is an error naming the column.
 */
final class SparkTypes {
    private static final long MICROS = 1_000_000L;

    private SparkTypes() {
    }

    /** The SPI schema of records of {@code struct}. */
    static Schema schema(StructType struct) {
        List<Column> columns = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (StructField f : struct.fields()) {
            ColumnType type;
            try {
                type = columnType(f.dataType());
            } catch (IllegalArgumentException e) {
                problems.add(Problem.of(f.name(), "is " + f.dataType().simpleString() + ", which Stageway cannot carry: " + e.getMessage()));
                continue;
            }
            if (type == null) {
                problems.add(Problem.of(f.name(), "is of Spark type " + f.dataType().simpleString() + ", which Stageway does not carry: "
                        + "cast it to a string, number, decimal, boolean, date, timestamp or binary column"));
            } else {
                columns.add(new Column(f.name(), type, f.nullable()));
            }
        }
        ConfigurationException.throwIfAny(problems);
        return new Schema(columns);
    }

    private static ColumnType columnType(DataType t) {
        // Any collation, CHAR(n) and VARCHAR(n) too: n counts characters, and a column's width counts bytes.
        if (t instanceof StringType) {
            return ColumnType.string();
        } else if (t.equals(DataTypes.ByteType) || t.equals(DataTypes.ShortType)) {
            return ColumnType.of(ColumnType.Kind.SMALLINT);
        } else if (t.equals(DataTypes.IntegerType)) {
            return ColumnType.of(ColumnType.Kind.INTEGER);
        } else if (t.equals(DataTypes.LongType)) {
            return ColumnType.of(ColumnType.Kind.BIGINT);
        } else if (t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType)) {
            return ColumnType.of(ColumnType.Kind.DOUBLE);
        } else if (t instanceof DecimalType d) {
            return ColumnType.decimal(d.precision(), d.scale());
        } else if (t.equals(DataTypes.BooleanType)) {
            return ColumnType.of(ColumnType.Kind.BOOLEAN);
        } else if (t.equals(DataTypes.DateType)) {
            return ColumnType.of(ColumnType.Kind.DATE);
        } else if (t.equals(DataTypes.TimestampNTZType)) {
            return ColumnType.of(ColumnType.Kind.TIMESTAMP);
        } else if (t.equals(DataTypes.TimestampType)) {
            return ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ);
        } else if (t.equals(DataTypes.BinaryType)) {
            return ColumnType.of(ColumnType.Kind.BINARY);
        }
        return null;
    }

    /** The Spark schema of records of {@code schema}. */
    static StructType struct(Schema schema) {
        StructField[] fields = new StructField[schema.size()];
        for (int i = 0; i < fields.length; i++) {
            Column c = schema.column(i);
            fields[i] = new StructField(c.name(), dataType(c.type()), c.nullable(), Metadata.empty());
        }
        return new StructType(fields);
    }

    private static DataType dataType(ColumnType type) {
        return switch (type.kind()) {
            case STRING -> DataTypes.StringType;
            case SMALLINT -> DataTypes.ShortType;
            case INTEGER -> DataTypes.IntegerType;
            case BIGINT -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case DECIMAL -> DataTypes.createDecimalType(type.precision(), type.scale());
            case BOOLEAN -> DataTypes.BooleanType;
            case DATE -> DataTypes.DateType;
            case TIMESTAMP -> DataTypes.TimestampNTZType;
            case TIMESTAMP_TZ -> DataTypes.TimestampType;
            case BINARY -> DataTypes.BinaryType;
        };
    }

    /** A Spark row as the SPI's values for {@code schema}, which {@link #schema} made of {@code struct}. */
    static Object[] values(InternalRow row, StructType struct, Schema schema) {
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < values.length; i++) {
            if (row.isNullAt(i)) {
                continue;
            }
            DataType t = struct.fields()[i].dataType();
            ColumnType type = schema.column(i).type();
            values[i] = switch (type.kind()) {
                case STRING -> row.getUTF8String(i).toString();
                case SMALLINT -> t.equals(DataTypes.ByteType) ? (short) row.getByte(i) : row.getShort(i);
                case INTEGER -> row.getInt(i);
                case BIGINT -> row.getLong(i);
                case DOUBLE -> t.equals(DataTypes.FloatType) ? (double) row.getFloat(i) : row.getDouble(i);
                case DECIMAL -> row.getDecimal(i, type.precision(), type.scale()).toJavaBigDecimal();
                case BOOLEAN -> row.getBoolean(i);
                case DATE -> LocalDate.ofEpochDay(row.getInt(i));
                case TIMESTAMP -> LocalDateTime.ofInstant(instant(row.getLong(i)), ZoneOffset.UTC);
                case TIMESTAMP_TZ -> OffsetDateTime.ofInstant(instant(row.getLong(i)), ZoneOffset.UTC);
                case BINARY -> row.getBinary(i);
            };
        }
        return values;
    }

    /** The SPI's values of a record as a Spark row of {@link #struct}{@code (schema)}. */
    static InternalRow row(Object[] values, Schema schema) {
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null) {
                continue;
            }
            ColumnType type = schema.column(i).type();
            out[i] = switch (type.kind()) {
                case STRING -> UTF8String.fromString((String) v);
                case DECIMAL -> Decimal.apply((BigDecimal) v, type.precision(), type.scale());
                case DATE -> (int) ((LocalDate) v).toEpochDay();
                case TIMESTAMP -> micros(((LocalDateTime) v).toInstant(ZoneOffset.UTC));
                case TIMESTAMP_TZ -> micros(((OffsetDateTime) v).toInstant());
                default -> v;
            };
        }
        return new GenericInternalRow(out);
    }

    /** Spark's timestamps count microseconds from the epoch (for one without a zone, as if in UTC). */
    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, MICROS), Math.floorMod(micros, MICROS) * 1000);
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), MICROS), t.getNano() / 1000);
    }
}
