package dev.stageway.testkit.s3;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;

/** An answer's body on its way to the real one, where a subclass decides how each write goes (cut short, paced). */
abstract class ForwardingOutputStream extends ServletOutputStream {
    protected final ServletOutputStream real;

    ForwardingOutputStream(ServletOutputStream real) {
        this.real = real;
    }

    @Override
    public abstract void write(byte[] b, int off, int len) throws IOException;

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void flush() throws IOException {
        real.flush();
    }

    @Override
    public void close() throws IOException {
        real.close();
    }

    @Override
    public boolean isReady() {
        return real.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
        real.setWriteListener(listener);
    }
}
