package dev.stageway.redshift;

import dev.stageway.spi.RejectedRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongBiFunction;

/**
 * The rows Redshift rejected, read back from its system views: {@code stl_load_errors} on a
 * provisioned cluster (with the raw line and value), {@code sys_load_error_detail} on Serverless,
 * which has no STL views and keeps neither.
 */
final class LoadErrors {
    private LoadErrors() {
    }

    private static final String STL = "SELECT TRIM(filename), line_number, TRIM(colname), TRIM(err_reason), TRIM(raw_line), "
            + "TRIM(raw_field_value) FROM stl_load_errors WHERE ";
    private static final String SYS = "SELECT TRIM(file_name), line_number, TRIM(column_name), TRIM(error_message), NULL, NULL "
            + "FROM sys_load_error_detail WHERE ";

    /** A rejected row and, where Redshift keeps it, the value it rejected. */
    record Rejection(RejectedRow row, String value) {
    }

    /** The rows the COPY of query id {@code query} rejected, in file and line order. */
    static List<Rejection> ofQuery(Connection c, boolean provisioned, long query, ToLongBiFunction<String, Long> record)
            throws SQLException {
        return read(c, (provisioned ? STL + "query = ?" : SYS + "query_id = ?") + " ORDER BY 1, 2", query, record);
    }

    private static List<Rejection> read(Connection c, String sql, Object parameter, ToLongBiFunction<String, Long> record)
            throws SQLException {
        List<Rejection> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setObject(1, parameter);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String file = r.getString(1);
                    long line = r.getLong(2);
                    rows.add(new Rejection(new RejectedRow(record.applyAsLong(file, line), file, line, r.getString(3), r.getString(4),
                            r.getString(5)), r.getString(6)));
                }
            }
        }
        return rows;
    }

    /** All of them as CSV with a header, every field quoted: what {@code redshift.rejected-rows-path} receives. */
    static String csv(List<Rejection> rejections) {
        StringBuilder out = new StringBuilder("record,file,line,column,reason,raw_line\n");
        for (Rejection j : rejections) {
            RejectedRow r = j.row();
            for (Object field : new Object[] {r.record(), r.file(), r.line(), r.column(), r.reason(), r.rawLine()}) {
                if (field != null) {
                    out.append('"').append(field.toString().replace("\"", "\"\"")).append('"');
                }
                out.append(',');
            }
            out.setCharAt(out.length() - 1, '\n');
        }
        return out.toString();
    }
}
