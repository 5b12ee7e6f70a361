package dev.stageway.s3.transfer;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memory of uploads that fill at the same time (one writer's objects, a load's staged files):
 * how many parts may be in flight together, and the chunks parts are filled in. Chunks of sent parts
 * are kept for the next parts (up to what the parts in flight hold), because allocating (and
 * zeroing) fresh memory per part costs as much CPU as copying the bytes into it. A chunk is only
 * allocated when none is spare, so memory stays near part size x (parts in flight + uploads filling).
 */
public final class UploadMemory {
    /** Parts fill chunk by chunk, so a small object never holds a whole part, and nothing is copied to grow. */
    static final int CHUNK = 1024 * 1024;

    private final Semaphore permits;
    private final Queue<byte[]> spare = new ConcurrentLinkedQueue<>();
    private final AtomicInteger spareCount = new AtomicInteger();
    private final int maxSpare;

    public UploadMemory(int partsInFlight, long partSize) {
        this.permits = new Semaphore(partsInFlight);
        this.maxSpare = (int) Math.min(Integer.MAX_VALUE, partsInFlight * ((partSize + CHUNK - 1) / CHUNK));
    }

    Semaphore permits() {
        return permits;
    }

    byte[] chunk() {
        byte[] chunk = spare.poll();
        if (chunk == null) {
            return new byte[CHUNK];
        }
        spareCount.decrementAndGet();
        return chunk;
    }

    /** Takes back a sent part's chunks; those beyond the bound are left to the garbage collector. */
    void recycle(List<byte[]> chunks) {
        for (byte[] chunk : chunks) {
            if (spareCount.incrementAndGet() > maxSpare) {
                spareCount.decrementAndGet();
                return;
            }
            spare.offer(chunk);
        }
    }
}
